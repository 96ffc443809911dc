import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres

/// Chat-group police rooms (指尖警务室) and the services delivered through them.
public struct ChatGroupStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates a chat group in a unit of a station.
    public func create(name: String, kind: RegistryV1.ChatGroupKind, unitID: Int64, memberCount: Int64) async throws -> RegistryV1.ChatGroup {
        try await pool.transaction { tx in
            let unit = try await UnitStore.fetch(unitID, on: tx, field: "unit_id")
            guard unit.stationID != 0 else {
                throw RegistryError(.failedPrecondition, field: "unit_id", "a chat group belongs to a station or a unit below one")
            }
            do {
                let id = try await tx.queryValue(
                    """
                    INSERT INTO registry.chat_group (name, kind, unit_id, member_count)
                    VALUES (\(name), \(kind.shortName ?? "other"), \(unitID), \(memberCount)) RETURNING id
                    """, as: Int64.self)
                return try await Self.fetch(id, on: tx)
            } catch let error as PostgresError where error.serverInfo?.constraintName == "chat_group_unit_name_key" {
                throw RegistryError.alreadyExists("name", "a chat group with this name in the unit")
            }
        }
    }

    /// Sets the member count (if given) and adds services delivered.
    public func recordActivity(id: Int64, memberCount: Int64?, servicesAdded: Int64) async throws -> RegistryV1.ChatGroup {
        try await pool.transaction { tx in
            let updated = try await tx.execute(
                """
                UPDATE registry.chat_group
                SET member_count = COALESCE(\(memberCount), member_count), services_delivered = services_delivered + \(servicesAdded)
                WHERE id = \(id)
                """)
            guard updated == 1 else { throw RegistryError.notFound("id", "chat group") }
            return try await Self.fetch(id, on: tx)
        }
    }

    /// A page of chat groups of a unit's subtree, by id.
    public func list(unitID: Int64, kind: RegistryV1.ChatGroupKind?, page: PageBounds) async throws -> (chatGroups: [RegistryV1.ChatGroup], nextPageToken: String) {
        if unitID != 0 { _ = try await UnitStore.fetch(unitID, on: pool, field: "unit_id") }
        let groups = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM registry.chat_group g JOIN registry.unit u ON u.id = g.unit_id
            WHERE (\(unitID) = 0 OR u.path @> ARRAY[\(unitID)]::bigint[])
              AND (\(kind?.shortName)::text IS NULL OR g.kind = \(kind?.shortName)) AND g.id > \(page.after)
            ORDER BY g.id LIMIT \(page.size)
            """
        ).map(Self.decode)
        return (groups, page.nextToken(after: groups.map(\.id)))
    }

    static let columns = "g.id, g.name, g.kind, g.unit_id, g.member_count, g.services_delivered, u.station_id"

    static func fetch(_ id: Int64, on db: some PostgresQueryable) async throws -> RegistryV1.ChatGroup {
        guard let row = try await db.queryFirst(
            "SELECT \(unsafeRaw: columns) FROM registry.chat_group g JOIN registry.unit u ON u.id = g.unit_id WHERE g.id = \(id)")
        else { throw RegistryError.notFound("id", "chat group") }
        return try decode(row)
    }

    static func decode(_ row: PostgresRow) throws -> RegistryV1.ChatGroup {
        RegistryV1.ChatGroup(
            id: try row.decode(Int64.self, column: "id"),
            name: try row.decode(String.self, column: "name"),
            kind: RegistryV1.ChatGroupKind(shortName: try row.decode(String.self, column: "kind")) ?? .other,
            unitID: try row.decode(Int64.self, column: "unit_id"),
            memberCount: try row.decode(Int64.self, column: "member_count"),
            servicesDelivered: try row.decode(Int64.self, column: "services_delivered"),
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0)
    }
}
