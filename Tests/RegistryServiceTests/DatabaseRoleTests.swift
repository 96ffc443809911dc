import FengqiaoAccess
import FengqiaoPostgres
import FengqiaoTestSupport
import RegistryService
import Testing

/// What each login may do in the database, checked by logging in as it: the registry's own role
/// reaches only its schema and appends to the audit trail; nobody rewrites the trail.
@Suite struct DatabaseRoleTests {
    /// A migrated registry database, with pools for the owner and for the given service roles.
    func withLogins(_ roles: [String], _ body: (_ owner: PostgresPool, _ logins: [String: PostgresPool]) async throws -> Void) async throws {
        try await TestPostgres.withFreshDatabase { configuration in
            let owner = PostgresPool(configuration: configuration, options: .init(maximumConnections: 1), logger: TestPostgres.testLogger())
            var logins: [String: PostgresPool] = [:]
            for role in roles {
                logins[role] = PostgresPool(
                    configuration: try TestPostgres.serviceConfiguration(role: role, database: configuration.database ?? ""),
                    options: .init(maximumConnections: 1), logger: TestPostgres.testLogger())
            }
            do {
                try await RegistryDatabase.migrate(on: owner, logger: TestPostgres.testLogger())
                try await body(owner, logins)
            } catch {
                for pool in logins.values { await pool.close() }
                await owner.close()
                throw error
            }
            for pool in logins.values { await pool.close() }
            await owner.close()
        }
    }

    func refused(_ pool: PostgresPool, _ query: PostgresQuery, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String? {
        let error = try await #require(throws: PostgresError.self, sourceLocation: sourceLocation) { try await pool.execute(query) }
        return error.sqlState
    }

    let event = AuditEvent(service: "registry", method: "/fengqiao.registry.v1.Registry/GetUnit", targets: ["unit:1"], requestID: "r-1", outcome: "OK")

    @Test func theAuditTrailIsAppendOnly() async throws {
        try await withLogins(["registry", "mediation"]) { owner, logins in
            let registry = try #require(logins["registry"]), mediation = try #require(logins["mediation"])
            try await PostgresAuditSink(pool: registry).record(event)
            try await PostgresAuditSink(pool: mediation).record(event)
            #expect(try await registry.queryValue("SELECT count(*) FROM audit.event", as: Int.self) == 2)

            // The services' logins: no such right (42501, insufficient_privilege).
            for pool in [registry, mediation] {
                #expect(try await refused(pool, "UPDATE audit.event SET outcome = 'OK'") == "42501")
                #expect(try await refused(pool, "DELETE FROM audit.event") == "42501")
                #expect(try await refused(pool, "TRUNCATE audit.event") == "42501")
            }
            // Only the registry reads it back (for ListAuditEvents).
            #expect(try await refused(mediation, "SELECT count(*) FROM audit.event") == "42501")
            // Not even the owner rewrites it: the trigger refuses.
            #expect(try await refused(owner, "UPDATE audit.event SET detail = 'changed'") == "42501")
            #expect(try await refused(owner, "DELETE FROM audit.event WHERE id = 1") == "42501")
            #expect(try await refused(owner, "TRUNCATE audit.event") == "42501")
            #expect(try await owner.queryValue("SELECT count(*) FROM audit.event WHERE detail = ''", as: Int.self) == 2)
        }
    }

    @Test func eachServiceLoginReachesOnlyItsOwnSchema() async throws {
        try await withLogins(["registry", "mediation", "analytics"]) { owner, logins in
            let registry = try #require(logins["registry"]), mediation = try #require(logins["mediation"])
            let analytics = try #require(logins["analytics"])
            // A schema of another service, as the owner would migrate it.
            try await owner.execute("CREATE SCHEMA other_service")
            try await owner.execute("CREATE TABLE other_service.note (id bigint PRIMARY KEY, text text)")

            // The registry's login works in its schema, but deletes nothing there…
            #expect(try await registry.queryValue("SELECT count(*) FROM registry.unit", as: Int.self) == 0)
            #expect(try await refused(registry, "DELETE FROM registry.unit") == "42501")
            // …and reaches no other schema, nor creates tables anywhere.
            #expect(try await refused(registry, "SELECT count(*) FROM other_service.note") == "42501")
            #expect(try await refused(registry, "CREATE TABLE public.stray (id int)") == "42501")
            #expect(try await refused(registry, "CREATE TABLE registry.stray (id int)") == "42501")
            // Other services' logins do not see the registry's tables (residents' personal data among them).
            #expect(try await refused(mediation, "SELECT count(*) FROM registry.resident") == "42501")
            #expect(try await refused(analytics, "SELECT count(*) FROM registry.resident") == "42501")
            // Analytics reads only: its sessions are read-only (25006, read_only_sql_transaction).
            #expect(try await refused(analytics, "CREATE TEMPORARY TABLE scratch (id int)") == "25006")
        }
    }
}
