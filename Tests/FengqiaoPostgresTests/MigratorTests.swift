import FengqiaoPostgres
import FengqiaoTestSupport
import Foundation
import Testing

@Suite struct MigratorTests {
    static func migrations(_ schema: String) -> [PostgresMigration] {
        [
            PostgresMigration(version: 1, name: "create_unit", sql: "CREATE TABLE \(schema).unit (id bigint PRIMARY KEY, name text NOT NULL);"),
            // A migration with a visible side effect: applied twice, it would insert two rows (or fail).
            PostgresMigration(version: 2, name: "seed_bureau", sql: "INSERT INTO \(schema).unit VALUES (1, '青山县公安局');"),
            PostgresMigration(version: 3, name: "add_code", sql: "ALTER TABLE \(schema).unit ADD COLUMN code text; UPDATE \(schema).unit SET code = 'QS';"),
        ]
    }

    @Test func twoMigratorsAtOnceApplyEachMigrationOnce() async throws {
        let schema = "t_mig_" + UUID().uuidString.prefix(8).lowercased()
        let migrator = PostgresMigrator(schema: schema, migrations: Self.migrations(schema))
        // Two separate pools: as two replicas of a service starting together.
        let first = try TestPostgres.makePool(maximumConnections: 1)
        let second = try TestPostgres.makePool(maximumConnections: 1)
        async let a = migrator.migrate(on: first, logger: TestPostgres.testLogger())
        async let b = migrator.migrate(on: second, logger: TestPostgres.testLogger())
        let applied = try await (a + b).sorted()
        #expect(applied == [1, 2, 3])

        let rows = try await first.query(PostgresQuery(unsafeSQL: "SELECT id, code FROM \(schema).unit"))
        #expect(rows.count == 1)
        #expect(try rows[0].decode(String.self, column: "code") == "QS")
        let recorded = try await first.query(PostgresQuery(unsafeSQL: "SELECT version, checksum FROM \(schema).schema_migrations ORDER BY version"))
        #expect(try recorded.map { try $0.decode(Int.self, at: 0) } == [1, 2, 3])
        // The checksum is the SHA-256 of the text, computed here by the server independently of the migrator.
        let expected = try await first.queryValue("SELECT encode(sha256(\(Data(Self.migrations(schema)[0].sql.utf8))), 'hex')", as: String.self)
        #expect(try recorded[0].decode(String.self, at: 1) == expected)

        // Running again applies nothing.
        #expect(try await migrator.migrate(on: first, logger: TestPostgres.testLogger()) == [])
        try await first.execute(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
        await first.close()
        await second.close()
    }

    @Test func changedMigrationIsRefusedByName() async throws {
        let schema = "t_mig_" + UUID().uuidString.prefix(8).lowercased()
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        try await PostgresMigrator(schema: schema, migrations: Self.migrations(schema)).migrate(on: pool, logger: TestPostgres.testLogger())
        var edited = Self.migrations(schema)
        edited[1].sql = "INSERT INTO \(schema).unit VALUES (1, '青山县公安局 (edited)');"
        let error = try await #require(throws: PostgresError.self) {
            try await PostgresMigrator(schema: schema, migrations: edited).migrate(on: pool, logger: TestPostgres.testLogger())
        }
        #expect(error.code == .migrationChanged)
        #expect(error.reason.contains("2_seed_bureau"))
        // The pool is usable afterwards and the advisory lock was released.
        #expect(try await pool.queryValue("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()", as: Int.self) == 0)
        try await pool.execute(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
        await pool.close()
    }

    @Test func failedMigrationKeepsNothingOfItself() async throws {
        let schema = "t_mig_" + UUID().uuidString.prefix(8).lowercased()
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        var migrations = Self.migrations(schema)
        migrations.append(PostgresMigration(
            version: 4, name: "broken",
            sql: "CREATE TABLE \(schema).half (id int); INSERT INTO \(schema).nowhere VALUES (1);"))
        let error = try await #require(throws: PostgresError.self) {
            try await PostgresMigrator(schema: schema, migrations: migrations).migrate(on: pool, logger: TestPostgres.testLogger())
        }
        #expect(error.code == .migrationFailed)
        #expect(error.reason.contains("4_broken"))
        #expect(error.sqlState == "42P01")
        let versions = try await pool.query(PostgresQuery(unsafeSQL: "SELECT version FROM \(schema).schema_migrations ORDER BY 1"))
            .map { try $0.decode(Int.self, at: 0) }
        #expect(versions == [1, 2, 3])
        let half = try await pool.queryValue(PostgresQuery(unsafeSQL: "SELECT to_regclass('\(schema).half') IS NULL"), as: Bool.self)
        #expect(half)
        try await pool.execute(PostgresQuery(unsafeSQL: "DROP SCHEMA \(schema) CASCADE"))
        await pool.close()
    }

    @Test func loadsNumberedFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fq-migrations-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "SELECT 2;".write(to: directory.appendingPathComponent("0002_second.sql"), atomically: true, encoding: .utf8)
        try "SELECT 1;".write(to: directory.appendingPathComponent("0001_create_unit.sql"), atomically: true, encoding: .utf8)
        try "notes".write(to: directory.appendingPathComponent("README.txt"), atomically: true, encoding: .utf8)
        let loaded = try PostgresMigration.load(from: directory)
        #expect(loaded == [
            PostgresMigration(version: 1, name: "create_unit", sql: "SELECT 1;"),
            PostgresMigration(version: 2, name: "second", sql: "SELECT 2;"),
        ])
        try "SELECT 3;".write(to: directory.appendingPathComponent("unnumbered.sql"), atomically: true, encoding: .utf8)
        #expect(throws: PostgresError.self) { try PostgresMigration.load(from: directory) }
    }
}
