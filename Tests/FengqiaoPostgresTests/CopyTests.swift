import FengqiaoPostgres
import FengqiaoTestSupport
import Foundation
import Testing

@Suite struct CopyTests {
    @Test func hundredThousandRowsThroughBinaryCopy() async throws {
        try await TestPostgres.withFreshSchema { schema, pool in
            try await pool.execute(PostgresQuery(unsafeSQL: """
                CREATE TABLE \(schema).resident (
                    id bigint PRIMARY KEY, name text NOT NULL, phone text, floating boolean NOT NULL,
                    moved_in timestamptz NOT NULL, household uuid
                )
                """))
            let household = UUID()
            let base = Date(timeIntervalSince1970: 1_700_000_000)
            let copied = try await pool.withConnection { connection in
                try await connection.copyRows(
                    into: "\(schema).resident", columns: ["id", "name", "phone", "floating", "moved_in", "household"]
                ) { rows in
                    for id in 1...100_000 {
                        let phone: String? = id % 10 == 0 ? nil : "1380000\(String(format: "%04d", id % 10_000))"
                        try rows.append(
                            Int64(id), "居民\(id)", phone, id % 3 == 0, base.addingTimeInterval(Double(id)),
                            id % 2 == 0 ? household : nil)
                    }
                }
            }
            #expect(copied == 100_000)
            let row = try #require(try await pool.queryFirst(PostgresQuery(unsafeSQL: """
                SELECT count(*) AS n, sum(id)::bigint AS ids, count(phone) AS phones, count(*) FILTER (WHERE floating) AS floating,
                       count(household) AS households, max(moved_in) AS latest
                FROM \(schema).resident
                """)))
            #expect(try row.decode(Int.self, column: "n") == 100_000)
            // 1 + … + 100_000 = 100_000 × 100_001 / 2.
            #expect(try row.decode(Int64.self, column: "ids") == 5_000_050_000)
            #expect(try row.decode(Int.self, column: "phones") == 90_000)
            #expect(try row.decode(Int.self, column: "floating") == 33_333)
            #expect(try row.decode(Int.self, column: "households") == 50_000)
            #expect(try row.decode(Date.self, column: "latest") == base.addingTimeInterval(100_000))
            let sample = try await pool.queryValue(PostgresQuery(unsafeSQL: "SELECT name FROM \(schema).resident WHERE id = 4321"), as: String.self)
            #expect(sample == "居民4321")
        }
    }

    @Test func aBadRowRollsBackTheWholeCopy() async throws {
        try await TestPostgres.withFreshSchema { schema, pool in
            try await pool.execute(PostgresQuery(unsafeSQL: "CREATE TABLE \(schema).plate (code text PRIMARY KEY)"))
            let error = try await #require(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try await connection.copyRows(into: "\(schema).plate", columns: ["code"]) { rows in
                        for code in ["QS-0001", "QS-0002", "QS-0001"] { try rows.append(code) }
                    }
                }
            }
            #expect(error.isUniqueViolation)
            #expect(try await pool.queryValue(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(schema).plate"), as: Int.self) == 0)
            // A row with the wrong number of values is refused before anything is stored.
            let arity = try await #require(throws: PostgresError.self) {
                try await pool.withConnection { connection in
                    try await connection.copyRows(into: "\(schema).plate", columns: ["code"]) { rows in
                        try rows.append("QS-0003", "extra")
                    }
                }
            }
            #expect(arity.code == .copyFailed)
            #expect(try await pool.queryValue("SELECT 1", as: Int.self) == 1)
        }
    }
}
