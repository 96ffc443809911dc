import FengqiaoPostgres
import Foundation
import Logging

/// The PostgreSQL server the tests run against, as `scripts/test` started it.
///
/// Tests never skip for want of a server: without one, every database test fails with a message
/// that says how to run them.
public enum TestPostgres {
    /// The variable that holds the owner role's URL, exported by `scripts/pg env`.
    public static let ownerURLVariable = "FENGQIAO_OWNER_DATABASE_URL"

    /// The error a test gets when no server was started for it.
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String {
            "\(TestPostgres.ownerURLVariable) is not set: run the tests with scripts/test, "
                + "or start a cluster with scripts/pg start and eval \"$(scripts/pg env)\""
        }
    }

    /// The owner role's connection settings (it may create databases, schemas and roles).
    public static func ownerConfiguration(applicationName: String = "fengqiao-tests") throws -> PostgresConfiguration {
        guard let url = ProcessInfo.processInfo.environment[ownerURLVariable], !url.isEmpty else {
            throw NotConfigured()
        }
        var configuration = try PostgresConfiguration(url)
        configuration["application_name"] = applicationName
        return configuration
    }

    /// A service role's connection settings (`registry`, `mediation`, `patrol`, `analytics`), from
    /// `FENGQIAO_<ROLE>_DATABASE_URL`, on the given database.
    public static func serviceConfiguration(role: String, database: String) throws -> PostgresConfiguration {
        let variable = "FENGQIAO_\(role.uppercased())_DATABASE_URL"
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty else { throw NotConfigured() }
        var configuration = try PostgresConfiguration(url)
        configuration["dbname"] = database
        configuration["application_name"] = "fengqiao-tests"
        return configuration
    }

    /// A pool on the shared test database.
    public static func makePool(
        maximumConnections: Int = 4, acquireTimeout: Duration = .seconds(10), applicationName: String = "fengqiao-tests"
    ) throws -> PostgresPool {
        PostgresPool(
            configuration: try ownerConfiguration(applicationName: applicationName),
            options: .init(maximumConnections: maximumConnections, acquireTimeout: acquireTimeout),
            logger: testLogger())
    }

    /// Runs `body` with a schema of its own, dropped afterwards, so tests running in parallel do
    /// not see each other's tables.
    public static func withFreshSchema<Result: Sendable>(
        _ body: (_ schema: String, _ pool: PostgresPool) async throws -> Result
    ) async throws -> Result {
        let pool = try makePool()
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await pool.execute(PostgresQuery(unsafeSQL: "CREATE SCHEMA \(schema)"))
        do {
            let result = try await body(schema, pool)
            try await pool.execute(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
            await pool.close()
            return result
        } catch {
            _ = try? await pool.execute(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
            await pool.close()
            throw error
        }
    }

    /// Runs `body` with a database of its own, created from `template0` and dropped afterwards,
    /// for tests of a service's whole schema.
    public static func withFreshDatabase<Result: Sendable>(
        _ body: (_ configuration: PostgresConfiguration) async throws -> Result
    ) async throws -> Result {
        let admin = try makePool(maximumConnections: 1)
        let name = "fq_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await admin.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE template0 STRATEGY FILE_COPY"))
        var configuration = try ownerConfiguration()
        configuration["dbname"] = name
        do {
            let result = try await body(configuration)
            try await drop(name, on: admin)
            await admin.close()
            return result
        } catch {
            _ = try? await drop(name, on: admin)
            await admin.close()
            throw error
        }
    }

    /// Drops a test database. The owner may not end other logins' sessions, and a service login's
    /// backend can outlive its closed connection by a moment, so a refusal is retried for up to 10 s.
    private static func drop(_ name: String, on admin: PostgresPool) async throws {
        var attempt = 0
        while true {
            do {
                try await admin.execute(PostgresQuery(unsafeSQL: "DROP DATABASE \(name) WITH (FORCE)"))
                return
            } catch let error as PostgresError where ["42501", "55006"].contains(error.sqlState) && attempt < 100 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// A logger that drops everything below warning, for tests that do not inspect logs.
    public static func testLogger() -> Logger {
        var logger = Logger(label: "fengqiao.tests")
        logger.logLevel = .warning
        return logger
    }
}

