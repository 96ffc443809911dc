import Logging

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One numbered SQL migration of a schema. Once released, its text never changes.
public struct PostgresMigration: Sendable, Hashable {
    /// The number that orders it; unique within its schema.
    public var version: Int
    /// A short name, such as `create_unit`.
    public var name: String
    /// The SQL to run; it may hold several statements and must name its schema explicitly.
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Reads `NNNN_name.sql` files from a folder, ordered by number.
    ///
    /// - Throws: `PostgresError.migrationFailed` for a file name without a number, or two files
    ///   with the same number.
    public static func load(from directory: URL) throws -> [PostgresMigration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var migrations: [PostgresMigration] = []
        for file in names where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw PostgresError(.migrationFailed, "migration file \(file) is not named NNNN_name.sql")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(PostgresMigration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw PostgresError(.migrationFailed, "two migrations are numbered \(next.version)")
        }
        return migrations
    }
}

/// Brings a schema up to date with its numbered migrations.
///
/// The migrator holds a PostgreSQL advisory lock named after the schema while it works, so when
/// several replicas start at once each migration is applied exactly once. Each migration runs in
/// its own transaction together with its record in `<schema>.schema_migrations` (version, name,
/// SHA-256 of the text, time). A migration already applied whose text has changed since is refused
/// by name: released migrations never change, new behaviour needs a new migration.
///
/// ```swift
/// let applied = try await PostgresMigrator(schema: "registry", migrations: migrations)
///     .migrate(on: ownerPool, logger: logger)
/// ```
public struct PostgresMigrator: Sendable {
    /// The schema the migrations belong to; created if missing.
    public var schema: String
    /// The migrations, in any order.
    public var migrations: [PostgresMigration]

    public init(schema: String, migrations: [PostgresMigration]) {
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Applies the migrations not yet applied and returns their versions.
    ///
    /// - Throws: `PostgresError.migrationChanged` naming an applied migration whose text differs;
    ///   `.migrationFailed` with the server's report when one cannot be applied (nothing of that
    ///   migration is kept).
    @discardableResult
    public func migrate(on pool: PostgresPool, logger: Logger) async throws -> [Int] {
        try await pool.withConnection { connection in
            try await migrate(on: connection, logger: logger)
        }
    }

    /// Applies the migrations on one connection; see `migrate(on:logger:)` for a pool.
    @discardableResult
    public func migrate(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        let lockName = "fengqiao.migrations." + schema
        try await connection.execute("SELECT pg_advisory_lock(hashtextextended(\(lockName), 0))")
        do {
            let applied = try await migrateLocked(on: connection, logger: logger)
            try await connection.execute("SELECT pg_advisory_unlock(hashtextextended(\(lockName), 0))")
            return applied
        } catch {
            // The lock is released when the session ends; end it if unlocking fails.
            _ = try? await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(lockName), 0))")
            throw error
        }
    }

    private var table: String { quoteIdentifier(schema) + ".schema_migrations" }

    private func migrateLocked(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        try await connection.executeScript(
            """
            CREATE SCHEMA IF NOT EXISTS \(quoteIdentifier(schema));
            CREATE TABLE IF NOT EXISTS \(table) (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """)
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for row in try await connection.query(PostgresQuery(unsafeSQL: "SELECT version, name, checksum FROM \(table)")) {
            recorded[try row.decode(Int.self, at: 0)] = (try row.decode(String.self, at: 1), try row.decode(String.self, at: 2))
        }
        var newlyApplied: [Int] = []
        for migration in migrations {
            let checksum = try await connection.queryValue(
                "SELECT encode(sha256(convert_to(\(migration.sql), 'UTF8')), 'hex')", as: String.self)
            if let existing = recorded[migration.version] {
                guard existing.checksum == checksum else {
                    throw PostgresError(
                        .migrationChanged,
                        "migration \(schema) \(migration.version)_\(migration.name) was changed after it was applied "
                            + "(released migrations never change; add a new one)")
                }
                continue
            }
            logger.info(
                "applying migration",
                metadata: ["db.schema": "\(schema)", "db.migration": "\(migration.version)_\(migration.name)"])
            do {
                try await connection.transaction { tx in
                    try await tx.connection.executeScript(migration.sql)
                    try await tx.execute(
                        PostgresQuery(
                            unsafeSQL: "INSERT INTO \(table) (version, name, checksum) VALUES ($1, $2, $3)",
                            bindings: bindings(migration.version, migration.name, checksum)))
                }
            } catch let error as PostgresError where error.code == .server {
                throw PostgresError(
                    .migrationFailed, "migration \(schema) \(migration.version)_\(migration.name) failed",
                    serverInfo: error.serverInfo, query: error.query)
            }
            newlyApplied.append(migration.version)
        }
        return newlyApplied
    }

    private func bindings(_ version: Int, _ name: String, _ checksum: String) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(Int32(version))
        bindings.append(name)
        bindings.append(checksum)
        return bindings
    }
}
