import FengqiaoPostgres
import FengqiaoTestSupport
import Foundation
import Testing

/// Parameters are encoded into one buffer, each behind its type and length.
@Suite struct BindingsTests {
    @Test func countTypesAndEquality() {
        var bindings = PostgresBindings(Int64(7), "seven")
        bindings.append(Date?.none)
        bindings.append([Int32(1), 2])
        #expect(bindings.count == 4)
        #expect(bindings.types == [.int8, .text, .timestamptz, .int4Array])
        #expect(bindings == {
            var same = PostgresBindings(Int64(7), "seven")
            same.append(Date?.none)
            same.append([Int32(1), 2])
            return same
        }())
        #expect(bindings != PostgresBindings(Int64(7), "seven"))
        #expect(PostgresBindings(Int64(7), "seven") != PostgresBindings(Int64(7), "eight"))
        #expect(PostgresBindings().count == 0)
        #expect(PostgresBindings().types == [])
    }

    @Test func interpolationBindsEachValueAsTheNextPlaceholder() {
        let id: Int64 = 3
        let name: String? = nil
        let query: PostgresQuery = "UPDATE registry.unit SET name = \(name) WHERE id = \(id) AND code = \("A-1")"
        #expect(query.sql == "UPDATE registry.unit SET name = $1 WHERE id = $2 AND code = $3")
        #expect(query.bindings.types == [.text, .int8, .text])
    }

    /// A shared condition keeps its own values when placed in a statement after others.
    @Test func aFragmentIsRenumberedAfterTheParametersBeforeIt() async throws {
        let station: Int64 = 9
        let condition: PostgresQuery = "station_id = \(station) AND stage = ANY(\(["screening", "review"]))"
        let query: PostgresQuery = "SELECT id FROM t WHERE id > \(Int64(4)) AND \(fragment: condition) LIMIT \(Int64(51))"
        #expect(query.sql == "SELECT id FROM t WHERE id > $1 AND station_id = $2 AND stage = ANY($3) LIMIT $4")
        #expect(query.bindings.types == [.int8, .int8, .textArray, .int8])
        // And the server reads each value where it was meant: (2 + 3) * 4 - 1.
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        let sum: PostgresQuery = "\(Int64(2)) + \(Int64(3))"
        #expect(try await pool.queryValue("SELECT (\(fragment: sum)) * \(Int64(4)) - \(Int64(1))", as: Int64.self) == 19)
        await pool.close()
    }

    /// Empty values, NULLs and values of other lengths side by side reach the server as sent.
    @Test func emptyNullAndLongValuesRoundTrip() async throws {
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        let long = String(repeating: "枫", count: 5_000)
        let row = try #require(
            try await pool.queryFirst(
                """
                SELECT \("") AS a, \(String?.none) AS b, \(Data()) AS c, \(Int64(-5)) AS d, \(long) AS e,
                    \(Data([0, 1])) AS f
                """))
        #expect(try row.decode(String.self, column: "a") == "")
        #expect(try row.decode(String?.self, column: "b") == nil)
        #expect(try row.decode(Data.self, column: "c") == Data())
        #expect(try row.decode(Int64.self, column: "d") == -5)
        #expect(try row.decode(String.self, column: "e") == long)
        #expect(try row.decode(Data.self, column: "f") == Data([0, 1]))
        await pool.close()
    }
}
