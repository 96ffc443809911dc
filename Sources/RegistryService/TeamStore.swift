import FengqiaoDomain
import FengqiaoRuntime
import FengqiaoMessages
import FengqiaoPostgres

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Teams ("1+4+N" and the others) and their memberships, kept with start and end dates.
public struct TeamStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates a team at a station or a unit below one.
    ///
    /// - Throws: `RegistryError` `.notFound` (`unit_id`), `.failedPrecondition` for a unit outside
    ///   any station (the bureau), `.alreadyExists` for a name taken in the unit.
    public func create(name: String, kind: RegistryV1.TeamKind, unitID: Int64) async throws -> RegistryV1.Team {
        try await pool.transaction { tx in
            let unit = try await UnitStore.fetch(unitID, on: tx, field: "unit_id")
            guard unit.stationID != 0 else {
                throw RegistryError(.failedPrecondition, field: "unit_id", "a team belongs to a station or a unit below one")
            }
            do {
                let id = try await tx.queryValue(
                    "INSERT INTO registry.team (name, kind, unit_id) VALUES (\(name), \(kind.shortName ?? "other"), \(unitID)) RETURNING id",
                    as: Int64.self)
                return try await Self.fetch(id, on: tx, field: "id")
            } catch let error as PostgresError where error.serverInfo?.constraintName == "team_unit_name_key" {
                throw RegistryError.alreadyExists("name", "a team with this name in the unit")
            }
        }
    }

    /// A page of teams in a unit's subtree, by id.
    public func list(unitID: Int64, kind: RegistryV1.TeamKind?, page: PageBounds) async throws -> (teams: [RegistryV1.Team], nextPageToken: String) {
        if unitID != 0 { _ = try await UnitStore.fetch(unitID, on: pool, field: "unit_id") }
        let rows = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM registry.team t JOIN registry.unit u ON u.id = t.unit_id
            WHERE (\(unitID) = 0 OR u.path @> ARRAY[\(unitID)]::bigint[])
              AND (\(kind?.shortName)::text IS NULL OR t.kind = \(kind?.shortName))
              AND t.id > \(page.after)
            ORDER BY t.id LIMIT \(page.size)
            """)
        let teams = try rows.map(Self.decode)
        return (teams, page.nextToken(after: teams.map(\.id)))
    }

    /// Adds a person to a team from `start`.
    ///
    /// - Throws: `RegistryError` `.notFound` (`team_id`, `person_id`), `.failedPrecondition` for
    ///   an inactive person, `.alreadyExists` when the person is already a current member.
    public func addMember(teamID: Int64, personID: Int64, role: String, start: CalendarDate) async throws -> RegistryV1.TeamMembership {
        try await pool.transaction { tx in
            _ = try await Self.fetch(teamID, on: tx, field: "team_id")
            let person = try await PersonStore.standing(personID, on: tx, field: "person_id")
            guard person.active else {
                throw RegistryError(.failedPrecondition, field: "person_id", "the person is inactive")
            }
            do {
                let id = try await tx.queryValue(
                    """
                    INSERT INTO registry.team_member (team_id, person_id, role, start_date)
                    VALUES (\(teamID), \(personID), \(role), \(start.description)::date) RETURNING id
                    """, as: Int64.self)
                return try await Self.fetchMembership(id, on: tx)
            } catch let error as PostgresError where error.serverInfo?.constraintName == "team_member_open_key" {
                throw RegistryError.alreadyExists("person_id", "a current membership of this person in the team")
            }
        }
    }

    /// Ends a person's current membership on `end`.
    ///
    /// - Throws: `RegistryError` `.notFound` when the person is not a current member,
    ///   `.failedPrecondition` when `end` is before the membership's start.
    public func removeMember(teamID: Int64, personID: Int64, end: CalendarDate) async throws -> RegistryV1.TeamMembership {
        try await pool.transaction { tx in
            guard let row = try await tx.queryFirst(
                """
                SELECT id, start_date::text AS start FROM registry.team_member
                WHERE team_id = \(teamID) AND person_id = \(personID) AND end_date IS NULL FOR UPDATE
                """)
            else { throw RegistryError.notFound("person_id", "current membership") }
            let id = try row.decode(Int64.self, column: "id")
            if let start = CalendarDate(try row.decode(String.self, column: "start")), end < start {
                throw RegistryError(.failedPrecondition, field: "end_date", "the end date is before the membership's start")
            }
            try await tx.execute("UPDATE registry.team_member SET end_date = \(end.description)::date WHERE id = \(id)")
            return try await Self.fetchMembership(id, on: tx)
        }
    }

    /// A page of the memberships current on `day`, by membership id.
    public func members(teamID: Int64, on day: CalendarDate, page: PageBounds) async throws -> (members: [RegistryV1.TeamMembership], nextPageToken: String) {
        _ = try await Self.fetch(teamID, on: pool, field: "team_id")
        let rows = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.membershipColumns) FROM registry.team_member m JOIN registry.person p ON p.id = m.person_id
            WHERE m.team_id = \(teamID) AND m.start_date <= \(day.description)::date
              AND (m.end_date IS NULL OR m.end_date >= \(day.description)::date)
              AND m.id > \(page.after)
            ORDER BY m.id LIMIT \(page.size)
            """)
        let members = try rows.map(Self.decodeMembership)
        return (members, page.nextToken(after: members.map(\.id)))
    }

    // MARK: Rows

    static let columns = """
        t.id, t.name, t.kind, t.unit_id, u.station_id, t.created_at,
        (SELECT count(*) FROM registry.team_member m WHERE m.team_id = t.id AND m.start_date <= current_date
            AND (m.end_date IS NULL OR m.end_date >= current_date)) AS member_count
        """

    static let membershipColumns = """
        m.id, m.team_id, m.person_id, p.name AS person_name, m.role, m.start_date::text AS start, m.end_date::text AS end
        """

    static func fetch(_ id: Int64, on db: some PostgresQueryable, field: String) async throws -> RegistryV1.Team {
        guard id > 0, let row = try await db.queryFirst(
            "SELECT \(unsafeRaw: columns) FROM registry.team t JOIN registry.unit u ON u.id = t.unit_id WHERE t.id = \(id)")
        else { throw RegistryError.notFound(field, "team") }
        return try decode(row)
    }

    static func decode(_ row: PostgresRow) throws -> RegistryV1.Team {
        RegistryV1.Team(
            id: try row.decode(Int64.self, column: "id"),
            name: try row.decode(String.self, column: "name"),
            kind: RegistryV1.TeamKind(shortName: try row.decode(String.self, column: "kind")) ?? .other,
            unitID: try row.decode(Int64.self, column: "unit_id"),
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0,
            memberCount: try row.decode(Int64.self, column: "member_count"),
            createdAtMs: try row.decode(Date.self, column: "created_at").unixMilliseconds)
    }

    static func fetchMembership(_ id: Int64, on db: some PostgresQueryable) async throws -> RegistryV1.TeamMembership {
        guard let row = try await db.queryFirst(
            "SELECT \(unsafeRaw: membershipColumns) FROM registry.team_member m JOIN registry.person p ON p.id = m.person_id WHERE m.id = \(id)")
        else { throw RegistryError.notFound("id", "membership") }
        return try decodeMembership(row)
    }

    static func decodeMembership(_ row: PostgresRow) throws -> RegistryV1.TeamMembership {
        RegistryV1.TeamMembership(
            id: try row.decode(Int64.self, column: "id"),
            teamID: try row.decode(Int64.self, column: "team_id"),
            personID: try row.decode(Int64.self, column: "person_id"),
            personName: try row.decode(String.self, column: "person_name"),
            role: try row.decode(String.self, column: "role"),
            startDate: CalendarDate(try row.decode(String.self, column: "start")).map(CommonV1.Date.init),
            endDate: try row.decode(String?.self, column: "end").flatMap(CalendarDate.init).map(CommonV1.Date.init))
    }
}
