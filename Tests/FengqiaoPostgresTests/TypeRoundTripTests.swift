import FengqiaoPostgres
import FengqiaoTestSupport
import Foundation
import Testing

/// Each value is bound as a parameter, sent back by the server as `SELECT $1`, and decoded.
@Suite struct TypeRoundTripTests {
    static let pool = Result { try TestPostgres.makePool() }

    func echo<Value: PostgresCodable>(_ value: Value?) async throws -> Value? {
        try await Self.pool.get().queryFirst("SELECT \(value) AS v")!.decode(Value?.self, column: "v")
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -1, 0, 1, Int64.max - 1, Int64.max])
    func int64(_ value: Int64) async throws {
        #expect(try await echo(value) == value)
    }

    @Test(arguments: [Int32.min, -1, 0, Int32.max])
    func int32(_ value: Int32) async throws {
        #expect(try await echo(value) == value)
    }

    @Test(arguments: [Int.min, 0, 42, Int.max])
    func int(_ value: Int) async throws {
        #expect(try await echo(value) == value)
    }

    @Test(arguments: [0.0, -0.0, 1.5, -2.25e-300, 1.7976931348623157e308, .infinity, -.infinity, .pi])
    func double(_ value: Double) async throws {
        let back = try #require(try await echo(value))
        #expect(back == value)
        #expect(back.sign == value.sign)
    }

    @Test func doubleNaN() async throws {
        #expect(try #require(try await echo(Double.nan)).isNaN)
    }

    @Test(arguments: [true, false])
    func bool(_ value: Bool) async throws {
        #expect(try await echo(value) == value)
    }

    @Test(arguments: [
        "", "a", "青山县公安局 枫桥派出所", "矛盾不上交 · 平安不出事 · 服务不缺位", "emoji 👮‍♀️🏮", "tab\tnew\nline",
        "quote ' and \" and \\ and $1", "Robert'); DROP TABLE students;--", String(repeating: "长", count: 10_000),
    ])
    func string(_ value: String) async throws {
        #expect(try await echo(value) == value)
    }

    @Test func bytes() async throws {
        let all = Data((0...255).map { UInt8($0) })
        #expect(try await echo(all) == all)
        #expect(try await echo(Data()) == Data())
    }

    @Test func uuid() async throws {
        let value = UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF")!
        #expect(try await echo(value) == value)
        // The server's own text form of the same bytes, lower-cased.
        let text = try await Self.pool.get().queryValue("SELECT \(value)::text", as: String.self)
        #expect(text == "6f9619ff-8b86-d011-b42d-00c04fc964ff")
    }

    @Test func json() async throws {
        let value = PostgresJSON(text: #"{"station": "枫桥", "teams": [1, 4], "n": null}"#)
        let back = try #require(try await echo(value))
        // jsonb normalises spacing; compare the documents, not the text.
        struct Doc: Decodable, Equatable { var station: String; var teams: [Int]; var n: Int? }
        #expect(try back.decode(Doc.self) == Doc(station: "枫桥", teams: [1, 4], n: nil))
        let plain = try await Self.pool.get().queryValue(#"SELECT '{"a":1}'::json"#, as: PostgresJSON.self)
        #expect(plain.text == #"{"a":1}"#)
    }

    @Test func nullThroughOptionals() async throws {
        #expect(try await echo(Int64?.none) == nil)
        #expect(try await echo(String?.none) == nil)
        #expect(try await echo(Date?.none) == nil)
        #expect(try await echo(UUID?.none) == nil)
        #expect(try await echo(Data?.none) == nil)
        #expect(try await echo([String]?.none) == nil)
    }

    @Test func arrays() async throws {
        #expect(try await echo([Int64]()) == [])
        #expect(try await echo([String]()) == [])
        #expect(try await echo([Int64.min, 0, Int64.max]) == [Int64.min, 0, Int64.max])
        #expect(try await echo(["网格", "", "社区"]) == ["网格", "", "社区"])
        #expect(try await echo([true, false]) == [true, false])
        #expect(try await echo([1.5, -2.0]) == [1.5, -2.0])
        let ids = [UUID(), UUID()]
        #expect(try await echo(ids) == ids)
        // The server agrees on the elements, not only on the round trip.
        let length = try await Self.pool.get().queryValue("SELECT cardinality(\(["a", "b", "c"]))", as: Int.self)
        #expect(length == 3)
        let varchar = try await Self.pool.get().queryValue("SELECT ARRAY['x','y']::varchar[]", as: [String].self)
        #expect(varchar == ["x", "y"])
    }
}

/// Timestamps: the expected instants were worked out with Python's zoneinfo, not with this layer.
@Suite struct TimestampTests {
    static let pool = Result { try TestPostgres.makePool() }

    struct Case: Sendable, CustomStringConvertible {
        var local: String
        var zone: String
        var unixSeconds: Double
        var description: String { "\(local) \(zone)" }
    }

    static let cases: [Case] = [
        // The last microsecond before New York springs forward (EST, UTC-5).
        Case(local: "2024-03-10 01:59:59.999999", zone: "America/New_York", unixSeconds: 1_710_053_999.999999),
        // The first instant after it (EDT, UTC-4): 02:00-02:59 does not exist that day.
        Case(local: "2024-03-10 03:00:00", zone: "America/New_York", unixSeconds: 1_710_054_000),
        // Berlin an hour after falling back (CET, UTC+1); 02:00-02:59 happened twice that night.
        Case(local: "2024-10-27 03:30:00", zone: "Europe/Berlin", unixSeconds: 1_729_996_200),
        Case(local: "2026-11-23 08:00:00", zone: "Asia/Shanghai", unixSeconds: 1_795_392_000),
        // Half a second before PostgreSQL's epoch (2000-01-01 UTC): a negative microsecond count.
        Case(local: "1999-12-31 23:59:59.5", zone: "UTC", unixSeconds: 946_684_799.5),
        Case(local: "1970-01-01 00:00:00", zone: "UTC", unixSeconds: 0),
    ]

    @Test(arguments: cases)
    func serverParsesLocalTimeToTheInstant(_ sample: Case) async throws {
        let parsed = try await Self.pool.get().queryValue(
            "SELECT (\(sample.local) || ' ' || \(sample.zone))::timestamptz", as: Date.self)
        #expect(abs(parsed.timeIntervalSince1970 - sample.unixSeconds) < 0.000_000_5)
    }

    @Test(arguments: cases)
    func boundInstantRendersAsLocalTime(_ sample: Case) async throws {
        let instant = Date(timeIntervalSince1970: sample.unixSeconds)
        let local = try await Self.pool.get().queryValue(
            "SELECT to_char(\(instant) AT TIME ZONE \(sample.zone), 'YYYY-MM-DD HH24:MI:SS.US')", as: String.self)
        let expected = sample.local.contains(".") ? sample.local : sample.local + ".000000"
        #expect(local == expected.padding(toLength: 26, withPad: "0", startingAt: 0))
    }

    @Test(arguments: cases)
    func roundTripIsExactToTheMicrosecond(_ sample: Case) async throws {
        let instant = Date(timeIntervalSince1970: sample.unixSeconds)
        let back = try await Self.pool.get().queryValue("SELECT \(instant)", as: Date.self)
        #expect(abs(back.timeIntervalSince1970 - sample.unixSeconds) < 0.000_000_5)
    }

    @Test func sessionTimeZoneDoesNotChangeTheInstant() async throws {
        let instant = Date(timeIntervalSince1970: 1_710_054_000)
        let back = try await Self.pool.get().withConnection { connection in
            try await connection.execute("SET TIME ZONE 'Asia/Shanghai'")
            let value = try await connection.queryValue("SELECT \(instant)", as: Date.self)
            try await connection.execute("RESET TIME ZONE")
            return value
        }
        #expect(back == instant)
    }

    @Test func dateAndInfinity() async throws {
        let day = try await Self.pool.get().queryValue("SELECT DATE '2026-11-23'", as: Date.self)
        #expect(day.timeIntervalSince1970 == 1_795_392_000)
        let future = try await Self.pool.get().queryValue("SELECT 'infinity'::timestamptz", as: Date.self)
        #expect(future == .distantFuture)
        let dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_795_392_000)]
        #expect(try await Self.pool.get().queryValue("SELECT \(dates)", as: [Date].self) == dates)
    }
}

@Suite struct DecodingErrorTests {
    static let pool = Result { try TestPostgres.makePool() }

    @Test func mismatchNamesColumnAndBothTypes() async throws {
        let row = try #require(try await Self.pool.get().queryFirst("SELECT 'abc'::text AS station_name"))
        let error = try #require(throws: PostgresError.self) { try row.decode(Int64.self, column: "station_name") }
        #expect(error.code == .decoding)
        #expect(error.reason.contains("\"station_name\""))
        #expect(error.reason.contains("text"))
        #expect(error.reason.contains("Int64"))
    }

    @Test func nullIntoNonOptionalIsAnError() async throws {
        let row = try #require(try await Self.pool.get().queryFirst("SELECT NULL::bigint AS parent_id"))
        let error = try #require(throws: PostgresError.self) { try row.decode(Int64.self, column: "parent_id") }
        #expect(error.reason.contains("NULL"))
        #expect(try row.decode(Int64?.self, column: "parent_id") == nil)
    }

    @Test func unknownColumnAndIndex() async throws {
        let row = try #require(try await Self.pool.get().queryFirst("SELECT 1 AS a"))
        #expect(throws: PostgresError.self) { try row.decode(Int.self, column: "b") }
        #expect(throws: PostgresError.self) { try row.decode(Int.self, at: 3) }
        #expect(try row.decode(Int.self, at: 0) == 1)
    }

    @Test func bigintOutOfInt32RangeIsRefused() async throws {
        let row = try #require(try await Self.pool.get().queryFirst("SELECT 3000000000::bigint AS n"))
        #expect(throws: PostgresError.self) { try row.decode(Int32.self, column: "n") }
    }
}
