import CLibPQ

/// The rows a statement returned, kept in libpq's result until the last row is released.
///
/// ```swift
/// for row in try await pool.query("SELECT id, name FROM registry.unit") {
///     let id = try row.decode(Int64.self, column: "id")
///     let name = try row.decode(String.self, column: "name")
/// }
/// ```
public struct PostgresRows: Sendable, RandomAccessCollection {
    @usableFromInline let storage: PostgresResultStorage
    @usableFromInline let query: String

    init(storage: PostgresResultStorage, query: String) {
        self.storage = storage
        self.query = query
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storage.rowCount }

    @inlinable
    public subscript(position: Int) -> PostgresRow {
        PostgresRow(storage: storage, index: Int32(position), query: query)
    }

    /// The column names, in order.
    public var columns: [String] { storage.columns.names }

    /// The number of rows a command touched (`INSERT`, `UPDATE`, `DELETE`, `COPY`, …) or returned.
    public var affectedRows: Int { storage.affectedRows }
}

/// One row of a result.
///
/// The `decode` methods are inlined into their callers, so each is compiled for the Swift type
/// asked for: reading a column is one call for its bytes and one to the type's own decoder.
public struct PostgresRow: Sendable {
    @usableFromInline let storage: PostgresResultStorage
    @usableFromInline let index: Int32
    @usableFromInline let query: String

    @usableFromInline
    init(storage: PostgresResultStorage, index: Int32, query: String) {
        self.storage = storage
        self.index = index
        self.query = query
    }

    /// The column names, in order.
    public var columns: [String] { storage.columns.names }

    /// Reads the column at `column` (0-based) as `Value`.
    ///
    /// - Throws: `PostgresError.decoding` naming the column, its PostgreSQL type and the Swift type,
    ///   when the value is NULL or does not fit.
    @inlinable
    public func decode<Value: PostgresDecodable>(_: Value.Type = Value.self, at column: Int) throws -> Value {
        let value = try field(at: column)
        guard let bytes = value.bytes else {
            throw decodingError(column: column, swiftType: Value.self, reason: "value is NULL")
        }
        do {
            return try Value.decode(from: bytes, type: value.type)
        } catch let failure as PostgresDecodingFailure {
            throw decodingError(column: column, swiftType: Value.self, reason: failure.reason)
        }
    }

    /// Reads the column at `column` (0-based) as `Value`, or `nil` for NULL.
    @inlinable
    public func decode<Value: PostgresDecodable>(_: Value?.Type, at column: Int) throws -> Value? {
        let value = try field(at: column)
        guard let bytes = value.bytes else { return nil }
        do {
            return try Value.decode(from: bytes, type: value.type)
        } catch let failure as PostgresDecodingFailure {
            throw decodingError(column: column, swiftType: Value.self, reason: failure.reason)
        }
    }

    /// Reads the named column as `Value`.
    ///
    /// When several columns have the name, the first one is read.
    @inlinable
    public func decode<Value: PostgresDecodable>(_: Value.Type = Value.self, column name: String) throws -> Value {
        try decode(Value.self, at: try columnIndex(name))
    }

    /// Reads the named column as `Value`, or `nil` for NULL.
    @inlinable
    public func decode<Value: PostgresDecodable>(_: Value?.Type, column name: String) throws -> Value? {
        try decode(Value?.self, at: try columnIndex(name))
    }

    /// Whether the column at `column` is NULL.
    public func isNull(at column: Int) -> Bool {
        PQgetisnull(storage.result, index, Int32(column)) != 0
    }

    /// The index of the first column named `name`.
    @usableFromInline
    func columnIndex(_ name: String) throws -> Int {
        guard let column = storage.columns.index(of: name) else {
            throw PostgresError(.decoding, "no column named \"\(name)\" in the result", query: query)
        }
        return column
    }

    /// The value at `column`: its bytes (`nil` for NULL) and its column's type.
    @usableFromInline
    func field(at column: Int) throws -> (bytes: UnsafeRawBufferPointer?, type: PostgresDataType) {
        let columns = storage.columns
        guard column >= 0, column < columns.count else {
            throw PostgresError(
                .decoding, "column index \(column) out of range (\(columns.count) columns)", query: query)
        }
        let type = columns.types[column]
        let result = storage.result
        let field = Int32(column)
        if PQgetisnull(result, index, field) != 0 { return (nil, type) }
        // In range and not NULL, libpq's value pointer is never NULL (an empty value is "").
        let length = Int(PQgetlength(result, index, field))
        return (UnsafeRawBufferPointer(start: PQgetvalue(result, index, field), count: length), type)
    }

    @usableFromInline
    func decodingError(column: Int, swiftType: Any.Type, reason: String) -> PostgresError {
        let name = storage.columns.names[column]
        let type = storage.columns.types[column]
        return PostgresError(
            .decoding, "column \"\(name)\" of type \(type) cannot be decoded as \(swiftType): \(reason)", query: query)
    }
}

/// Owns a libpq `PGresult` and frees it when the last row referring to it is gone.
///
/// A `PGresult` is immutable once returned, so reading it from several threads is safe. Its
/// column names and types come as a `PostgresColumns`, usually the one the statement's earlier
/// results already had (see `PreparedStatement.columns(of:)`).
@usableFromInline
final class PostgresResultStorage: @unchecked Sendable {
    let result: OpaquePointer
    @usableFromInline let rowCount: Int
    let columns: PostgresColumns

    init(result: OpaquePointer, columns: PostgresColumns) {
        self.result = result
        self.rowCount = Int(PQntuples(result))
        self.columns = columns
    }

    deinit {
        PQclear(result)
    }

    /// The number of rows a command touched, or the rows returned when the command has no count.
    var affectedRows: Int {
        // PQcmdTuples gives the count as decimal text, or "" when the command reports none.
        guard var digit = PQcmdTuples(result), digit.pointee != 0 else { return rowCount }
        var count = 0
        while digit.pointee != 0 {
            let value = Int(digit.pointee) - 0x30  // "0"
            guard (0...9).contains(value) else { return rowCount }
            count = count &* 10 &+ value
            digit += 1
        }
        return count
    }
}
