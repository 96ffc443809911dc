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
    let storage: PostgresResultStorage
    let query: String

    init(storage: PostgresResultStorage, query: String) {
        self.storage = storage
        self.query = query
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.rowCount }

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(storage: storage, index: Int32(position), query: query)
    }

    /// The column names, in order.
    public var columns: [String] { storage.columnNames }

    /// The number of rows a command touched (`INSERT`, `UPDATE`, `DELETE`, `COPY`, …) or returned.
    public var affectedRows: Int { storage.affectedRows }
}

/// One row of a result.
public struct PostgresRow: Sendable {
    let storage: PostgresResultStorage
    let index: Int32
    let query: String

    /// The column names, in order.
    public var columns: [String] { storage.columnNames }

    /// Reads the column at `column` (0-based) as `Value`.
    ///
    /// - Throws: `PostgresError.decoding` naming the column, its PostgreSQL type and the Swift type,
    ///   when the value is NULL or does not fit.
    public func decode<Value: PostgresDecodable>(_: Value.Type = Value.self, at column: Int) throws -> Value {
        guard let bytes = try valueBytes(at: column) else {
            throw decodingError(column: column, swiftType: Value.self, reason: "value is NULL")
        }
        return try decodeValue(Value.self, from: bytes, at: column)
    }

    /// Reads the column at `column` (0-based) as `Value`, or `nil` for NULL.
    public func decode<Value: PostgresDecodable>(_: Value?.Type, at column: Int) throws -> Value? {
        guard let bytes = try valueBytes(at: column) else { return nil }
        return try decodeValue(Value.self, from: bytes, at: column)
    }

    /// Reads the named column as `Value`.
    public func decode<Value: PostgresDecodable>(_: Value.Type = Value.self, column name: String) throws -> Value {
        try decode(Value.self, at: try columnIndex(name))
    }

    /// Reads the named column as `Value`, or `nil` for NULL.
    public func decode<Value: PostgresDecodable>(_: Value?.Type, column name: String) throws -> Value? {
        try decode(Value?.self, at: try columnIndex(name))
    }

    /// Whether the column at `column` is NULL.
    public func isNull(at column: Int) -> Bool {
        PQgetisnull(storage.result, index, Int32(column)) != 0
    }

    private func columnIndex(_ name: String) throws -> Int {
        guard let column = storage.columnIndex(name) else {
            throw PostgresError(.decoding, "no column named \"\(name)\" in the result", query: query)
        }
        return column
    }

    /// The bytes of the value at `column`, or `nil` for NULL.
    private func valueBytes(at column: Int) throws -> UnsafeRawBufferPointer? {
        guard column >= 0, column < storage.columnCount else {
            throw PostgresError(
                .decoding, "column index \(column) out of range (\(storage.columnCount) columns)", query: query)
        }
        let result = storage.result
        if PQgetisnull(result, index, Int32(column)) != 0 { return nil }
        // In range and not NULL, libpq's value pointer is never NULL (an empty value is "").
        let length = Int(PQgetlength(result, index, Int32(column)))
        return UnsafeRawBufferPointer(start: PQgetvalue(result, index, Int32(column)), count: length)
    }

    private func decodeValue<Value: PostgresDecodable>(
        _: Value.Type, from bytes: UnsafeRawBufferPointer, at column: Int
    ) throws -> Value {
        do {
            return try Value.decode(from: bytes, type: storage.columnType(column))
        } catch let failure as PostgresDecodingFailure {
            throw decodingError(column: column, swiftType: Value.self, reason: failure.reason)
        }
    }

    private func decodingError(column: Int, swiftType: Any.Type, reason: String) -> PostgresError {
        let name = storage.columnName(column)
        let type = storage.columnType(column)
        return PostgresError(
            .decoding, "column \"\(name)\" of type \(type) cannot be decoded as \(swiftType): \(reason)",
            query: query)
    }
}

/// Owns a libpq `PGresult` and frees it when the last row referring to it is gone.
///
/// A `PGresult` is immutable once returned, so reading it from several threads is safe. Column
/// names and types are read from it when asked for, not copied up front: most statements return
/// one row whose columns are read by position, and copying names cost more than the round trip's
/// own decoding.
final class PostgresResultStorage: @unchecked Sendable {
    let result: OpaquePointer
    let rowCount: Int
    let columnCount: Int

    init(result: OpaquePointer) {
        self.result = result
        self.rowCount = Int(PQntuples(result))
        self.columnCount = Int(PQnfields(result))
    }

    deinit {
        PQclear(result)
    }

    /// The column names, in order.
    var columnNames: [String] { (0..<columnCount).map(columnName) }

    /// The name of the column at `column` (0-based, in range).
    func columnName(_ column: Int) -> String {
        PQfname(result, Int32(column)).map { String(cString: $0) } ?? ""
    }

    /// The type of the column at `column` (0-based, in range).
    func columnType(_ column: Int) -> PostgresDataType {
        PostgresDataType(oid: PQftype(result, Int32(column)))
    }

    /// The first column with exactly this name (no case folding), if any.
    func columnIndex(_ name: String) -> Int? {
        (0..<columnCount).first { columnName($0) == name }
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
