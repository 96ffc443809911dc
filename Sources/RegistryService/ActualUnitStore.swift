import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres

/// Actual units (实有单位): shops, enterprises, schools, and the nine kinds of small venues.
public struct ActualUnitStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates an actual unit at an address; a small venue must say which of the nine kinds.
    public func create(
        name: String, kind: RegistryV1.ActualUnitKind, smallVenueKind: RegistryV1.SmallVenueKind?, addressID: Int64
    ) async throws -> RegistryV1.ActualUnit {
        try await pool.transaction { tx in
            let address = try await PlaceStore.fetchAddress(addressID, on: tx, field: "address_id")
            let id = try await tx.queryValue(
                """
                INSERT INTO registry.actual_unit (name, kind, small_venue_kind, address_id, unit_id)
                VALUES (\(name), \(kind.shortName ?? "other"), \(smallVenueKind?.shortName), \(addressID), \(address.unitID))
                RETURNING id
                """, as: Int64.self)
            return try await Self.fetch(id, on: tx)
        }
    }

    /// A page of actual units of a unit's subtree, by id.
    public func list(unitID: Int64, kind: RegistryV1.ActualUnitKind?, page: PageBounds) async throws -> (actualUnits: [RegistryV1.ActualUnit], nextPageToken: String) {
        if unitID != 0 { _ = try await UnitStore.fetch(unitID, on: pool, field: "unit_id") }
        let units = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM registry.actual_unit a JOIN registry.unit u ON u.id = a.unit_id
            WHERE (\(unitID) = 0 OR u.path @> ARRAY[\(unitID)]::bigint[])
              AND (\(kind?.shortName)::text IS NULL OR a.kind = \(kind?.shortName)) AND a.id > \(page.after)
            ORDER BY a.id LIMIT \(page.size)
            """
        ).map(Self.decode)
        return (units, page.nextToken(after: units.map(\.id)))
    }

    static let columns = "a.id, a.name, a.kind, a.small_venue_kind, a.address_id, a.unit_id, u.station_id"

    static func fetch(_ id: Int64, on db: some PostgresQueryable) async throws -> RegistryV1.ActualUnit {
        guard let row = try await db.queryFirst(
            "SELECT \(unsafeRaw: columns) FROM registry.actual_unit a JOIN registry.unit u ON u.id = a.unit_id WHERE a.id = \(id)")
        else { throw RegistryError.notFound("id", "actual unit") }
        return try decode(row)
    }

    static func decode(_ row: PostgresRow) throws -> RegistryV1.ActualUnit {
        RegistryV1.ActualUnit(
            id: try row.decode(Int64.self, column: "id"),
            name: try row.decode(String.self, column: "name"),
            kind: RegistryV1.ActualUnitKind(shortName: try row.decode(String.self, column: "kind")) ?? .other,
            smallVenueKind: try row.decode(String?.self, column: "small_venue_kind").flatMap(RegistryV1.SmallVenueKind.init(shortName:)) ?? .unspecified,
            addressID: try row.decode(Int64.self, column: "address_id"),
            unitID: try row.decode(Int64.self, column: "unit_id"),
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0)
    }
}
