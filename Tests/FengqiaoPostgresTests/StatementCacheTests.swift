import FengqiaoPostgres
import FengqiaoTestSupport
import Testing

/// Each connection prepares a statement once per text and list of parameter types.
@Suite struct StatementCacheTests {
    @Test func sameTextWithOtherParameterTypesIsAnotherStatement() async throws {
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        let sql = "SELECT pg_typeof($1)::text"
        let asBigint = PostgresQuery(unsafeSQL: sql, bindings: PostgresBindings(Int64(7)))
        let asText = PostgresQuery(unsafeSQL: sql, bindings: PostgresBindings("seven"))
        var nullText = PostgresBindings()
        nullText.append(String?.none)
        let asNullText = PostgresQuery(unsafeSQL: sql, bindings: nullText)
        try await pool.withConnection { connection in
            for _ in 0..<2 {
                let types = [
                    try await connection.queryValue(asBigint, as: String.self),
                    try await connection.queryValue(asText, as: String.self),
                    try await connection.queryValue(asNullText, as: String.self),
                ]
                #expect(types == ["bigint", "text", "text"])
            }
        }
        await pool.close()
    }

    @Test func moreStatementsThanTheCacheHoldsStillRun() async throws {
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        try await pool.withConnection { connection in
            // 600 texts pass the per-connection limit (512), which empties the cache once.
            for round in 0..<2 {
                for number in 0..<600 {
                    let sum = try await connection.queryValue(
                        PostgresQuery(unsafeSQL: "SELECT $1::bigint + \(number)", bindings: PostgresBindings(Int64(round))),
                        as: Int64.self)
                    #expect(sum == Int64(round + number))
                }
            }
            let prepared = try await connection.queryValue("SELECT count(*) FROM pg_prepared_statements", as: Int64.self)
            #expect(prepared <= 512)
        }
        await pool.close()
    }
}
