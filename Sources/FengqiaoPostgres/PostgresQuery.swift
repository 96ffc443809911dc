/// A statement with its parameters: each interpolated value becomes a `$n` parameter.
///
/// No value ever becomes SQL text, so the API cannot build an injection:
///
/// ```swift
/// let rows = try await pool.query("""
///     SELECT id, name FROM registry.unit WHERE parent_id = \(parent) AND name LIKE \(pattern)
///     """)
/// ```
///
/// SQL assembled from strings at run time must say so with `init(unsafeSQL:bindings:)`.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    /// The statement text with `$1`, `$2`, … placeholders.
    public var sql: String
    /// The parameters, in placeholder order.
    public var bindings: PostgresBindings

    /// A statement whose text is trusted as it stands, with parameters bound separately.
    public init(unsafeSQL sql: String, bindings: PostgresBindings = PostgresBindings()) {
        self.sql = sql
        self.bindings = bindings
    }

    public init(stringLiteral value: String) {
        self.init(unsafeSQL: value)
    }

    public init(stringInterpolation: StringInterpolation) {
        self.init(unsafeSQL: stringInterpolation.sql, bindings: stringInterpolation.bindings)
    }

    /// `$0` to `$15`, so that binding a parameter builds no string.
    static let placeholders: [String] = (0..<16).map { "$\($0)" }

    /// Collects literal SQL and turns each interpolation into the next placeholder.
    public struct StringInterpolation: StringInterpolationProtocol, Sendable {
        var sql: String
        var bindings: PostgresBindings

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql = ""
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            bindings = PostgresBindings(capacity: interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Inserts trusted SQL text as it stands, such as a column list kept in a constant.
        /// Never pass anything that came from a request.
        public mutating func appendInterpolation(unsafeRaw sql: String) {
            self.sql += sql
        }

        /// Binds a value.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            bindings.append(value)
            appendPlaceholder()
        }

        /// Binds a value, or NULL of the value's type.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(value)
            appendPlaceholder()
        }

        /// Appends `$n` for the last parameter bound.
        private mutating func appendPlaceholder() {
            let number = bindings.count
            if number < PostgresQuery.placeholders.count {
                sql += PostgresQuery.placeholders[number]
            } else {
                sql += "$\(number)"
            }
        }
    }
}

/// The parameters of a statement, encoded in PostgreSQL's binary format into one buffer.
public struct PostgresBindings: Sendable, Hashable {
    /// The encoded parameters back to back.
    private(set) var bytes: [UInt8] = []
    /// Each parameter's declared type, where it starts in `bytes` and its length (-1 for NULL).
    private(set) var slots: [Slot] = []

    struct Slot: Sendable, Hashable {
        var offset: Int
        var length: Int32
        var type: UInt32
    }

    public init() {}

    /// Bindings of the given values, in order: `PostgresBindings(id, name)`.
    public init<each Value: PostgresEncodable>(_ values: repeat each Value) {
        for value in repeat each values { append(value) }
    }

    init(capacity: Int) {
        slots.reserveCapacity(capacity)
    }

    /// The declared type of each parameter.
    public var types: [PostgresDataType] { slots.map { PostgresDataType(oid: $0.type) } }

    /// The number of parameters.
    public var count: Int { slots.count }

    /// The size of the encoded parameters, in bytes.
    var byteCount: Int { bytes.count }

    /// Whether both have the same number of parameters, declared as the same types.
    func hasSameTypes(as other: PostgresBindings) -> Bool {
        slots.withUnsafeBufferPointer { mine in
            other.slots.withUnsafeBufferPointer { theirs in
                guard mine.count == theirs.count else { return false }
                for index in mine.indices where mine[index].type != theirs[index].type { return false }
                return true
            }
        }
    }

    /// The same parameter types with no values: NULL of each type.
    var withoutValues: PostgresBindings {
        var copy = PostgresBindings()
        copy.slots = slots.map { Slot(offset: 0, length: -1, type: $0.type) }
        return copy
    }

    /// Appends a parameter.
    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        let start = bytes.count
        value.encode(into: &bytes)
        slots.append(Slot(offset: start, length: Int32(bytes.count - start), type: Value.postgresType.oid))
    }

    /// Appends a parameter that may be NULL.
    public mutating func append<Value: PostgresEncodable>(_ value: Value?) {
        if let value {
            append(value)
        } else {
            slots.append(Slot(offset: bytes.count, length: -1, type: Value.postgresType.oid))
        }
    }

    /// Calls `body` with what libpq's `PQexecPrepared` takes: the number of parameters and the
    /// arrays of their values, lengths and formats.
    func withCArrays<R>(
        _ body: (
            _ count: Int32,
            _ values: UnsafePointer<UnsafePointer<CChar>?>?,
            _ lengths: UnsafePointer<Int32>?,
            _ formats: UnsafePointer<Int32>?
        ) throws -> R
    ) rethrows -> R {
        try slots.withUnsafeBufferPointer { slots in
            if slots.isEmpty { return try body(0, nil, nil, nil) }
            let count = slots.count
            // Stack space for the three arrays: this runs once per statement. A zero-length value
            // still needs a non-NULL pointer, so with no bytes at all one on the stack stands in.
            return try withUnsafeTemporaryAllocation(of: CChar.self, capacity: 1) { spare in
                try bytes.withUnsafeBytes { raw in
                    let base = raw.isEmpty
                        ? UnsafePointer(spare.baseAddress!) : raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                    return try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { values in
                        try withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * count) { integers in
                            for index in 0..<count {
                                let slot = slots[index]
                                values.initializeElement(at: index, to: slot.length < 0 ? nil : base + slot.offset)
                                integers.initializeElement(at: index, to: max(slot.length, 0))
                                integers.initializeElement(at: count + index, to: 1)  // binary format
                            }
                            let lengths = UnsafePointer(integers.baseAddress!)
                            return try body(Int32(count), UnsafePointer(values.baseAddress!), lengths, lengths + count)
                        }
                    }
                }
            }
        }
    }
}
