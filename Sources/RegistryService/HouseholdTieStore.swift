import FengqiaoMessages
import FengqiaoPostgres

/// The households people and residents belong to, for other services' conflict-of-interest checks.
///
/// A person is tied to the current residents with the same national ID number, matched by its
/// lookup hash (both tables hash by kind, so the hashes compare); the number itself never leaves.
public struct HouseholdTieStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// One tie per resident found among `residentIDs`, then one per current resident tied to each
    /// of `personIDs`; by person, then resident id.
    public func ties(personIDs: [Int64], residentIDs: [Int64]) async throws -> [RegistryV1.HouseholdTie] {
        let rows = try await pool.query(
            """
            SELECT 0::bigint AS person_id, r.id AS resident_id, r.household_id, r.unit_id, u.station_id, r.moved_out IS NOT NULL AS moved_out
            FROM registry.resident r JOIN registry.unit u ON u.id = r.unit_id
            WHERE r.id = ANY(\(residentIDs))
            UNION ALL
            SELECT p.id, r.id, r.household_id, r.unit_id, u.station_id, false
            FROM registry.person p
            JOIN registry.resident r ON r.national_id_hash = p.national_id_hash AND r.moved_out IS NULL
            JOIN registry.unit u ON u.id = r.unit_id
            WHERE p.id = ANY(\(personIDs)) AND p.national_id_hash IS NOT NULL
            ORDER BY 1, 2
            """)
        return try rows.map { row in
            RegistryV1.HouseholdTie(
                personID: try row.decode(Int64.self, column: "person_id"),
                residentID: try row.decode(Int64.self, column: "resident_id"),
                householdID: try row.decode(Int64?.self, column: "household_id") ?? 0,
                unitID: try row.decode(Int64.self, column: "unit_id"),
                stationID: try row.decode(Int64?.self, column: "station_id") ?? 0,
                movedOut: try row.decode(Bool.self, column: "moved_out"))
        }
    }
}
