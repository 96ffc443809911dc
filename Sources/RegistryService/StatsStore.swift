import FengqiaoMessages
import FengqiaoPostgres

/// Counts over a unit's subtree, read in one snapshot so the figures agree with each other.
public struct StatsStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The figures for `unitID` and everything below it, read in one snapshot.
    public func stats(unitID: Int64) async throws -> RegistryV1.UnitStats {
        try await pool.transaction(isolation: .repeatableRead) { tx in
            _ = try await UnitStore.fetch(unitID, on: tx, field: "unit_id")
            let sub = "SELECT id FROM registry.unit WHERE path @> ARRAY[$1]::bigint[]"
            guard let row = try await tx.queryFirst(PostgresQuery(
                unsafeSQL: """
                    SELECT
                      (SELECT count(*) FROM registry.resident WHERE unit_id IN (\(sub)) AND moved_out IS NULL AND kind = 'registered') AS registered,
                      (SELECT count(*) FROM registry.resident WHERE unit_id IN (\(sub)) AND moved_out IS NULL AND kind = 'floating') AS floating,
                      (SELECT count(*) FROM registry.address WHERE unit_id IN (\(sub))) AS addresses,
                      (SELECT count(*) FROM registry.address WHERE unit_id IN (\(sub)) AND qr_code IS NOT NULL) AS plates,
                      (SELECT count(*) FROM registry.person WHERE home_unit_id IN (\(sub)) AND active) AS people,
                      (SELECT count(*) FROM registry.chat_group WHERE unit_id IN (\(sub))) AS chat_groups,
                      (SELECT COALESCE(sum(services_delivered), 0)::bigint FROM registry.chat_group WHERE unit_id IN (\(sub))) AS services
                    """, bindings: PostgresBindings(unitID)))
            else { throw RegistryError.notFound("unit_id", "unit") }
            let actualUnits = try await Self.kindCounts(PostgresQuery(
                unsafeSQL: "SELECT kind, count(*) FROM registry.actual_unit WHERE unit_id IN (\(sub)) GROUP BY kind ORDER BY kind",
                bindings: PostgresBindings(unitID)), on: tx)
            let teamMembers = try await Self.kindCounts(PostgresQuery(
                unsafeSQL: """
                    SELECT t.kind, count(*) FROM registry.team_member m JOIN registry.team t ON t.id = m.team_id
                    WHERE t.unit_id IN (\(sub)) AND m.start_date <= current_date AND (m.end_date IS NULL OR m.end_date >= current_date)
                    GROUP BY t.kind ORDER BY t.kind
                    """, bindings: PostgresBindings(unitID)), on: tx)
            return RegistryV1.UnitStats(
                unitID: unitID,
                residentsRegistered: try row.decode(Int64.self, column: "registered"),
                residentsFloating: try row.decode(Int64.self, column: "floating"),
                addresses: try row.decode(Int64.self, column: "addresses"),
                qrPlates: try row.decode(Int64.self, column: "plates"),
                actualUnits: actualUnits,
                teamMembers: teamMembers,
                peopleActive: try row.decode(Int64.self, column: "people"),
                chatGroups: try row.decode(Int64.self, column: "chat_groups"),
                chatGroupServices: try row.decode(Int64.self, column: "services"))
        }
    }

    static func kindCounts(_ query: PostgresQuery, on tx: PostgresTransaction) async throws -> [RegistryV1.KindCount] {
        try await tx.query(query).map { RegistryV1.KindCount(kind: try $0.decode(String.self, at: 0), count: try $0.decode(Int64.self, at: 1)) }
    }
}
