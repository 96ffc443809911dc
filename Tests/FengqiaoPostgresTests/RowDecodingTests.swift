import FengqiaoPostgres
import FengqiaoTestSupport
import Foundation
import Testing

/// Reading columns by name and by position, through the columns each connection keeps per
/// prepared statement: every statement runs at least twice on one connection, so the second run
/// reads the columns the first one left.
@Suite struct RowDecodingTests {
    static let pool = Result { try TestPostgres.makePool() }

    @Test func twoStatementsWithOtherColumnsKeepTheirOwn() async throws {
        let first: PostgresQuery = "SELECT 7::bigint AS id, 'north'::text AS name"
        let second: PostgresQuery = "SELECT 'south'::text AS name, 8::integer AS id, true AS active"
        try await Self.pool.get().withConnection { connection in
            for _ in 0..<3 {
                let a = try #require(try await connection.queryFirst(first))
                #expect(a.columns == ["id", "name"])
                #expect(try a.decode(Int64.self, column: "id") == 7)
                #expect(try a.decode(String.self, column: "name") == "north")
                #expect(throws: PostgresError.self) { try a.decode(Bool.self, column: "active") }

                let b = try #require(try await connection.queryFirst(second))
                #expect(b.columns == ["name", "id", "active"])
                #expect(try b.decode(Int64.self, column: "id") == 8)
                #expect(try b.decode(String.self, column: "name") == "south")
                #expect(try b.decode(Bool.self, column: "active"))
            }
        }
    }

    /// The same text with other parameter types is another statement, whose result has another type.
    @Test func sameTextWithOtherParameterTypesKeepsItsOwnColumnTypes() async throws {
        let sql = "SELECT $1 AS v"
        let asBigint = PostgresQuery(unsafeSQL: sql, bindings: PostgresBindings(Int64(42)))
        let asText = PostgresQuery(unsafeSQL: sql, bindings: PostgresBindings("forty-two"))
        try await Self.pool.get().withConnection { connection in
            for _ in 0..<2 {
                let number = try #require(try await connection.queryFirst(asBigint))
                #expect(try number.decode(Int64.self, column: "v") == 42)
                let error = try #require(throws: PostgresError.self) { try number.decode(String.self, column: "v") }
                #expect(error.reason.contains("bigint"))

                let text = try #require(try await connection.queryFirst(asText))
                #expect(try text.decode(String.self, column: "v") == "forty-two")
                #expect(throws: PostgresError.self) { try text.decode(Int64.self, column: "v") }
            }
        }
    }

    @Test func aRepeatedNameReadsTheFirstColumn() async throws {
        try await Self.pool.get().withConnection { connection in
            for _ in 0..<2 {
                let row = try #require(try await connection.queryFirst("SELECT 1 AS n, 2 AS n, 3 AS m, 4 AS n"))
                #expect(row.columns == ["n", "n", "m", "n"])
                #expect(try row.decode(Int32.self, column: "n") == 1)
                #expect(try row.decode(Int32.self, column: "m") == 3)
                #expect(try row.decode(Int32.self, at: 1) == 2)
                #expect(try row.decode(Int32.self, at: 3) == 4)
            }
        }
    }

    @Test func namesAreMatchedExactly() async throws {
        let row = try #require(try await Self.pool.get().queryFirst(#"SELECT 1 AS "Name", 2 AS name, 3 AS "名字""#))
        #expect(try row.decode(Int32.self, column: "Name") == 1)
        #expect(try row.decode(Int32.self, column: "name") == 2)
        #expect(try row.decode(Int32.self, column: "名字") == 3)
        #expect(throws: PostgresError.self) { try row.decode(Int32.self, column: "NAME") }
        #expect(throws: PostgresError.self) { try row.decode(Int32.self, column: "nam") }
        #expect(throws: PostgresError.self) { try row.decode(Int32.self, column: "name ") }
    }

    /// Narrow results search the names in turn; wider ones (more than 16 columns) look them up.
    @Test(arguments: [3, 16, 17, 40])
    func byNameAndByPositionAgree(columns count: Int) async throws {
        // Column k is named c<k> and holds k * 10, except that the last one repeats the name c0.
        let list = (0..<count).map { "\($0 * 10)::bigint AS c\($0 == count - 1 ? 0 : $0)" }.joined(separator: ", ")
        let query = PostgresQuery(unsafeSQL: "SELECT \(list)")
        try await Self.pool.get().withConnection { connection in
            for _ in 0..<2 {
                let row = try #require(try await connection.queryFirst(query))
                #expect(row.columns.count == count)
                for column in 0..<(count - 1) {
                    let byPosition = try row.decode(Int64.self, at: column)
                    #expect(byPosition == Int64(column * 10))
                    #expect(try row.decode(Int64.self, column: "c\(column)") == byPosition)
                }
                #expect(try row.decode(Int64.self, at: count - 1) == Int64((count - 1) * 10))
                #expect(try row.decode(Int64.self, column: "c0") == 0)  // the first c0
                #expect(throws: PostgresError.self) { try row.decode(Int64.self, column: "c\(count - 1)") }
            }
        }
    }

    @Test func everyRowOfAResultReadsTheSameColumns() async throws {
        let rows = try await Self.pool.get().query(
            """
            SELECT n AS id, 'r' || n AS label, CASE WHEN n % 2 = 0 THEN NULL ELSE n * 2 END AS twice
            FROM generate_series(1, 5) n
            """)
        #expect(rows.count == 5)
        for (offset, row) in rows.enumerated() {
            let id = Int32(offset + 1)
            #expect(try row.decode(Int32.self, column: "id") == id)
            #expect(try row.decode(String.self, column: "label") == "r\(id)")
            #expect(try row.decode(Int32?.self, column: "twice") == (id % 2 == 0 ? nil : id * 2))
            #expect(try row.decode(Int32?.self, at: 2) == row.decode(Int32?.self, column: "twice"))
            #expect(row.isNull(at: 2) == (id % 2 == 0))
        }
    }

    /// A renamed column under `SELECT *`: the server either refuses the prepared statement (as
    /// PostgreSQL 15 does) or answers with the new name, which is then the one that reads.
    @Test func aRenamedColumnIsReadByItsNewName() async throws {
        try await TestPostgres.withFreshSchema { schema, pool in
            try await pool.execute(PostgresQuery(unsafeSQL: "CREATE TABLE \(schema).place (id bigint, label text)"))
            try await pool.execute(PostgresQuery(unsafeSQL: "INSERT INTO \(schema).place VALUES (1, 'gate')"))
            let select = PostgresQuery(unsafeSQL: "SELECT * FROM \(schema).place")
            try await pool.withConnection { connection in
                let before = try #require(try await connection.queryFirst(select))
                #expect(try before.decode(String.self, column: "label") == "gate")
                try await connection.execute(
                    PostgresQuery(unsafeSQL: "ALTER TABLE \(schema).place RENAME COLUMN label TO name"))
                let after: PostgresRow
                do {
                    after = try #require(try await connection.queryFirst(select))
                } catch let error as PostgresError where error.sqlState == "0A000" {
                    return  // "cached plan must not change result type"
                }
                #expect(after.columns == ["id", "name"])
                #expect(try after.decode(String.self, column: "name") == "gate")
                #expect(throws: PostgresError.self) { try after.decode(String.self, column: "label") }
            }
        }
    }

    @Test func aMismatchAfterTheFirstRunStillNamesColumnAndTypes() async throws {
        try await Self.pool.get().withConnection { connection in
            for _ in 0..<2 {
                let row = try #require(try await connection.queryFirst("SELECT 'abc'::text AS station_name, 5 AS n"))
                for error in [
                    try #require(throws: PostgresError.self) { try row.decode(Int64.self, column: "station_name") },
                    try #require(throws: PostgresError.self) { try row.decode(Int64?.self, at: 0) },
                ] {
                    #expect(error.code == .decoding)
                    #expect(error.reason.contains("\"station_name\""))
                    #expect(error.reason.contains("text"))
                    #expect(error.reason.contains("Int64"))
                }
            }
        }
    }
}
