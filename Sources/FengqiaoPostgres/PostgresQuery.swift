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
            sql += "$\(bindings.count)"
        }

        /// Binds a value, or NULL of the value's type.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(value)
            sql += "$\(bindings.count)"
        }
    }
}

/// The parameters of a statement, encoded in PostgreSQL's binary format into one buffer.
public struct PostgresBindings: Sendable, Hashable {
    /// The declared type of each parameter.
    public private(set) var types: [PostgresDataType] = []
    /// The encoded parameters back to back.
    private(set) var bytes: [UInt8] = []
    /// Where each parameter starts in `bytes`, and its length, or -1 for NULL.
    private(set) var slots: [Slot] = []

    struct Slot: Sendable, Hashable {
        var offset: Int
        var length: Int32
    }

    public init() {}

    /// Bindings of the given values, in order: `PostgresBindings(id, name)`.
    public init<each Value: PostgresEncodable>(_ values: repeat each Value) {
        for value in repeat each values { append(value) }
    }

    init(capacity: Int) {
        types.reserveCapacity(capacity)
        slots.reserveCapacity(capacity)
    }

    /// The number of parameters.
    public var count: Int { types.count }

    /// The size of the encoded parameters, in bytes.
    var byteCount: Int { bytes.count }

    /// Appends a parameter.
    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        let start = bytes.count
        value.encode(into: &bytes)
        types.append(Value.postgresType)
        slots.append(Slot(offset: start, length: Int32(bytes.count - start)))
    }

    /// Appends a parameter that may be NULL.
    public mutating func append<Value: PostgresEncodable>(_ value: Value?) {
        if let value {
            append(value)
        } else {
            types.append(Value.postgresType)
            slots.append(Slot(offset: bytes.count, length: -1))
        }
    }

    /// Calls `body` with the C arrays libpq's `PQexecPrepared` takes: values, lengths and formats.
    func withCArrays<R>(
        _ body: (
            _ values: UnsafePointer<UnsafePointer<CChar>?>?,
            _ lengths: UnsafePointer<Int32>?,
            _ formats: UnsafePointer<Int32>?
        ) throws -> R
    ) rethrows -> R {
        if slots.isEmpty { return try body(nil, nil, nil) }
        // Stack space for the three arrays: this runs once per statement. A zero-length value
        // still needs a non-NULL pointer, so an empty buffer stands in with one byte.
        let empty: [UInt8] = [0]
        return try (bytes.isEmpty ? empty : bytes).withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            return try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: slots.count) { values in
                try withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * slots.count) { integers in
                    for (index, slot) in slots.enumerated() {
                        values.initializeElement(at: index, to: slot.length < 0 ? nil : base + slot.offset)
                        integers.initializeElement(at: index, to: max(slot.length, 0))
                        integers.initializeElement(at: slots.count + index, to: 1)  // binary format
                    }
                    let lengths = UnsafePointer(integers.baseAddress!)
                    return try body(UnsafePointer(values.baseAddress!), lengths, lengths + slots.count)
                }
            }
        }
    }
}
