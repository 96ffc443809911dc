import ArgumentParser
import FengqiaoPostgres
import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures the PostgreSQL layer against the server's own clients.
///
/// `select` and `insert` report single-row round trips per second on a pool of `--connections`
/// connections, one looping task each; `copy` reports the rows per second of a CSV file parsed
/// and sent with the layer's binary COPY. `scripts/bench-postgres` runs them beside `pgbench` and
/// `psql \copy` on a throwaway cluster and prints the comparison.
///
/// ```
/// fengqiao-bench-postgres select --connections 8 --duration 10
/// fengqiao-bench-postgres select --pgbench-script > select.sql   # the same statement, for pgbench
/// fengqiao-bench-postgres copy --file residents.csv
/// ```
@main
struct BenchPostgres: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fengqiao-bench-postgres",
        abstract: "Measures the PostgreSQL layer: round trips per second and COPY rows per second.",
        discussion: """
            The tables are created by scripts/bench-postgres: bench.resident (ids 1...\(Schema.residentCount)), \
            bench.visit and bench.resident_copy.
            """,
        subcommands: [Select.self, Insert.self, Copy.self]
    )
}

/// Where the server is.
struct ServerOptions: ParsableArguments {
    @Option(help: "Database URL (default: $FENGQIAO_OWNER_DATABASE_URL).")
    var url: String?

    /// The URL given, or the one in the environment.
    func configuration() throws -> PostgresConfiguration {
        guard let url = url ?? getenv("FENGQIAO_OWNER_DATABASE_URL").map({ String(cString: $0) }) else {
            throw ValidationError("no --url and no FENGQIAO_OWNER_DATABASE_URL")
        }
        return try PostgresConfiguration(url)
    }
}

/// How hard and how long to drive a round-trip workload.
struct LoadOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: "Concurrent clients, each with its own pooled connection.")
    var connections = 1

    @Option(name: [.customShort("T"), .long], help: "Seconds to measure, after a short warm-up.")
    var duration: Double = 10

    @Flag(help: "Print the workload's statement as a pgbench script (`:id` for the parameter) and exit.")
    var pgbenchScript = false

    func validate() throws {
        guard connections >= 1 else { throw ValidationError("--connections must be at least 1") }
        guard duration > 0 else { throw ValidationError("--duration must be positive") }
    }
}

/// The benchmark's tables and statements, shared by the layer's run and the pgbench scripts.
enum Schema {
    /// Rows in `bench.resident`, ids 1...residentCount.
    static let residentCount = 10_000

    static func select(_ id: Int64) -> PostgresQuery {
        "SELECT id, name, phone, registered_at, active FROM bench.resident WHERE id = \(id)"
    }

    static func insert(_ id: Int64) -> PostgresQuery {
        "INSERT INTO bench.visit (resident_id, note) VALUES (\(id), 'door-to-door check')"
    }

    /// The pgbench form of a one-parameter statement: a random id as `:id` in place of `$1`.
    static func pgbenchScript(_ query: PostgresQuery) -> String {
        let sql = query.sql.split(separator: "$1", omittingEmptySubsequences: false).joined(separator: ":id")
        return "\\set id random(1, \(residentCount))\n\(sql);\n"
    }
}

struct Select: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "SELECT one resident by a random id and decode its five columns, in a loop per client.")

    @OptionGroup var server: ServerOptions
    @OptionGroup var load: LoadOptions

    @Option(help: "Read the columns by position (index) or by name (name), as the services do.")
    var columns: ColumnAccess = .index

    enum ColumnAccess: String, ExpressibleByArgument {
        case index, name
    }

    func run() async throws {
        if load.pgbenchScript {
            print(Schema.pgbenchScript(Schema.select(1)), terminator: "")
            return
        }
        let byName = columns == .name
        let report = try await RoundTrips.measure(server: server, load: load) { connection, id in
            guard let row = try await connection.queryFirst(Schema.select(id)) else {
                throw ValidationError("resident \(id) missing: run scripts/bench-postgres, which fills bench.resident")
            }
            let decodedID: Int64, name: String, phone: String, registered: Date, active: Bool
            if byName {
                decodedID = try row.decode(Int64.self, column: "id")
                name = try row.decode(String.self, column: "name")
                phone = try row.decode(String.self, column: "phone")
                registered = try row.decode(Date.self, column: "registered_at")
                active = try row.decode(Bool.self, column: "active")
            } else {
                decodedID = try row.decode(Int64.self, at: 0)
                name = try row.decode(String.self, at: 1)
                phone = try row.decode(String.self, at: 2)
                registered = try row.decode(Date.self, at: 3)
                active = try row.decode(Bool.self, at: 4)
            }
            // Uses every value, so none of the decoding can be optimised away.
            return Int(decodedID) &+ name.utf8.count &+ phone.utf8.count
                &+ Int(registered.timeIntervalSinceReferenceDate) &+ (active ? 1 : 0)
        }
        print(report.line(mode: "select"))
    }
}

struct Insert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "INSERT one visit row with a random resident id, in a loop per client (autocommit).")

    @OptionGroup var server: ServerOptions
    @OptionGroup var load: LoadOptions

    func run() async throws {
        if load.pgbenchScript {
            print(Schema.pgbenchScript(Schema.insert(1)), terminator: "")
            return
        }
        let report = try await RoundTrips.measure(server: server, load: load) { connection, id in
            try await connection.execute(Schema.insert(id))
        }
        print(report.line(mode: "insert"))
    }
}

struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read a residents CSV file, parse it and store it with binary COPY into bench.resident_copy.",
        discussion: "Columns: id, name, phone, registered_at, active; no header; an empty unquoted field is NULL.")

    @OptionGroup var server: ServerOptions

    @Option(help: "The CSV file, the same one psql \\copy reads.")
    var file: String

    @Option(help: "The table to fill; it should be empty.")
    var table = "bench.resident_copy"

    func run() async throws {
        let logger = Logger.bench
        let start = monotonicNanoseconds()
        let pool = PostgresPool(configuration: try server.configuration(), options: .init(maximumConnections: 1), logger: logger)
        let rows: Int
        do {
            let path = file
            rows = try await pool.withConnection { connection in
                try await connection.copyRows(into: table, columns: ResidentCSV.columns) { writer in
                    try ResidentCSV.read(path: path) { resident in
                        try writer.append(resident.id, resident.name, resident.phone, resident.registeredAt, resident.active)
                    }
                }
            }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        print("copy rows=\(rows) seconds=\(format(seconds, 3)) rows_per_second=\(format(Double(rows) / seconds, 0))")
    }
}

extension Logger {
    /// Warnings and errors only: the benchmark's output is its report.
    static var bench: Logger {
        var logger = Logger(label: "fengqiao.bench.postgres")
        logger.logLevel = .warning
        return logger
    }
}

/// Nanoseconds of the monotonic clock.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// `value` with `digits` decimals.
func format(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    return digits == 0 ? String(Int64(rounded)) : String(rounded)
}
