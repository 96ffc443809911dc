/// Something statements can run on: a connection, a transaction or a pool.
///
/// Services write their stores against this protocol, so the same code runs inside a transaction
/// or on its own.
public protocol PostgresQueryable: Sendable {
    /// Runs one statement and returns its rows.
    ///
    /// - Throws: `PostgresError`; `.server` errors carry the SQLSTATE.
    nonisolated(nonsending) func query(_ query: PostgresQuery) async throws -> PostgresRows
}

// These are inlined into their callers, so a call on a connection, a transaction or a pool goes
// straight to that type's `query(_:)`, and `queryValue` decodes as the type asked for.
extension PostgresQueryable {
    /// Runs a statement and returns how many rows it touched.
    @discardableResult
    @inlinable
    public nonisolated(nonsending) func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }

    /// Returns the first row, or `nil` when there is none.
    @inlinable
    public nonisolated(nonsending) func queryFirst(_ query: PostgresQuery) async throws -> PostgresRow? {
        try await self.query(query).first
    }

    /// Returns the first column of the first row.
    ///
    /// - Throws: `PostgresError.decoding` when there is no row or the value is NULL.
    @inlinable
    public nonisolated(nonsending) func queryValue<Value: PostgresDecodable>(
        _ query: PostgresQuery, as type: Value.Type = Value.self
    ) async throws -> Value {
        guard let row = try await queryFirst(query) else {
            throw PostgresError(.decoding, "the statement returned no row", query: query.sql)
        }
        return try row.decode(Value.self, at: 0)
    }
}
