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
        @usableFromInline var sql: String
        @usableFromInline var bindings: PostgresBindings

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
        @inlinable
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            bindings.append(value)
            appendPlaceholder()
        }

        /// Binds a value, or NULL of the value's type.
        @inlinable
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(value)
            appendPlaceholder()
        }

        /// Inserts another query's SQL, with its parameters bound after this one's (its `$n`
        /// renumbered): for a condition several statements share.
        ///
        /// ```swift
        /// let filter: PostgresQuery = "station_id = \(station) AND level = ANY(\(levels))"
        /// let rows = try await db.query("SELECT id FROM mediation.dispute WHERE \(fragment: filter) AND id > \(after)")
        /// ```
        public mutating func appendInterpolation(fragment: PostgresQuery) {
            let offset = bindings.count
            var text = fragment.sql[...]
            while let dollar = text.firstIndex(of: "$") {
                sql += text[..<dollar]
                let digits = text[text.index(after: dollar)...].prefix(while: \.isASCII).prefix(while: \.isNumber)
                if let number = Int(digits) {
                    sql += "$\(number + offset)"
                } else {
                    sql += "$"
                }
                text = text[text.index(after: dollar)...].dropFirst(digits.count)
            }
            sql += text
            bindings.append(contentsOf: fragment.bindings)
        }

        /// Appends `$n` for the last parameter bound.
        @usableFromInline
        mutating func appendPlaceholder() {
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
///
/// Each parameter is its declared type's OID and its length (-1 for NULL), both 4 bytes in the
/// machine's order, then its bytes; so binding a statement's parameters fills one array, and
/// `append` is inlined into the caller, compiled for the value's type.
public struct PostgresBindings: Sendable, Hashable {
    /// The parameters back to back, each a header and its encoded value.
    @usableFromInline var storage: [UInt8] = []
    /// The number of parameters held in `storage`.
    @usableFromInline var parameterCount = 0

    /// The number of parameters.
    public var count: Int { parameterCount }

    /// The size of a parameter's header: its type's OID and its length.
    @inlinable static var headerSize: Int { 8 }

    public init() {}

    /// Bindings of the given values, in order: `PostgresBindings(id, name)`.
    @inlinable
    public init<each Value: PostgresEncodable>(_ values: repeat each Value) {
        for value in repeat each values { append(value) }
    }

    /// Room for `capacity` parameters of 8 bytes or less before the buffer grows.
    @usableFromInline
    init(capacity: Int) {
        if capacity > 0 { storage.reserveCapacity(capacity * (Self.headerSize + 8)) }
    }

    /// The declared type of each parameter.
    public var types: [PostgresDataType] {
        var types: [PostgresDataType] = []
        types.reserveCapacity(count)
        forEachParameter { type, _, _ in types.append(PostgresDataType(oid: type)) }
        return types
    }

    /// Whether both have the same number of parameters, declared as the same types.
    func hasSameTypes(as other: PostgresBindings) -> Bool {
        guard count == other.count else { return false }
        return storage.withUnsafeBytes { mine in
            other.storage.withUnsafeBytes { theirs in
                var (myOffset, theirOffset) = (0, 0)
                for _ in 0..<count {
                    let myHeader = Self.header(in: mine, at: myOffset)
                    let theirHeader = Self.header(in: theirs, at: theirOffset)
                    if myHeader.type != theirHeader.type { return false }
                    myOffset += Self.headerSize + Int(max(myHeader.length, 0))
                    theirOffset += Self.headerSize + Int(max(theirHeader.length, 0))
                }
                return true
            }
        }
    }

    /// The same parameter types with no values: NULL of each type.
    var withoutValues: PostgresBindings {
        var copy = PostgresBindings(capacity: 0)
        forEachParameter { type, _, _ in copy.appendHeader(type: type, length: -1) }
        copy.parameterCount = parameterCount
        return copy
    }

    /// Appends another set's parameters after these.
    public mutating func append(contentsOf other: PostgresBindings) {
        storage.append(contentsOf: other.storage)
        parameterCount += other.parameterCount
    }

    /// Appends a parameter.
    @inlinable
    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        let start = storage.count
        appendHeader(type: Value.postgresType.oid, length: 0)
        value.encode(into: &storage)
        setLength(of: start)
        parameterCount += 1
    }

    /// Appends a parameter that may be NULL.
    @inlinable
    public mutating func append<Value: PostgresEncodable>(_ value: Value?) {
        if let value {
            append(value)
        } else {
            appendHeader(type: Value.postgresType.oid, length: -1)
            parameterCount += 1
        }
    }

    @usableFromInline
    mutating func appendHeader(type: UInt32, length: Int32) {
        Swift.withUnsafeBytes(of: type) { storage.append(contentsOf: $0) }
        Swift.withUnsafeBytes(of: length) { storage.append(contentsOf: $0) }
    }

    /// Writes the length of the parameter whose header starts at `start`, from what follows it.
    @usableFromInline
    mutating func setLength(of start: Int) {
        let length = Int32(storage.count - start - Self.headerSize)
        storage.withUnsafeMutableBytes { $0.storeBytes(of: length, toByteOffset: start + 4, as: Int32.self) }
    }

    private static func header(in bytes: UnsafeRawBufferPointer, at offset: Int) -> (type: UInt32, length: Int32) {
        (bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self),
         bytes.loadUnaligned(fromByteOffset: offset + 4, as: Int32.self))
    }

    /// Calls `body` with each parameter's type, its length (-1 for NULL) and where its bytes start.
    private func forEachParameter(_ body: (_ type: UInt32, _ length: Int32, _ offset: Int) throws -> Void) rethrows {
        try storage.withUnsafeBytes { bytes in
            var offset = 0
            for _ in 0..<count {
                let header = Self.header(in: bytes, at: offset)
                offset += Self.headerSize
                try body(header.type, header.length, offset)
                offset += Int(max(header.length, 0))
            }
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
        let count = self.count
        if count == 0 { return try body(0, nil, nil, nil) }
        // Stack space for the three arrays: this runs once per statement. Every parameter has a
        // header, so a zero-length value still points into the buffer, never at NULL.
        return try storage.withUnsafeBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
            return try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { values in
                try withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * count) { integers in
                    var offset = 0
                    for index in 0..<count {
                        let header = Self.header(in: raw, at: offset)
                        offset += Self.headerSize
                        values.initializeElement(at: index, to: header.length < 0 ? nil : base + offset)
                        integers.initializeElement(at: index, to: max(header.length, 0))
                        integers.initializeElement(at: count + index, to: 1)  // binary format
                        offset += Int(max(header.length, 0))
                    }
                    let lengths = UnsafePointer(integers.baseAddress!)
                    return try body(Int32(count), UnsafePointer(values.baseAddress!), lengths, lengths + count)
                }
            }
        }
    }
}
