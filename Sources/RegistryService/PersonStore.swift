import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// People who work with the stations. Never deleted: deactivated, with their changes recorded
/// by field name (the values themselves, personal data among them, are not copied into history).
public struct PersonStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    static let columns = """
        p.id, p.name, p.kinds, p.home_unit_id, u.station_id, p.phone, p.national_id, p.active, p.created_at, p.updated_at
        """

    /// A validated person to register.
    public struct NewPerson: Sendable {
        public var name: String
        public var kinds: [RegistryV1.PersonKind]
        public var homeUnitID: Int64
        public var phone: MobilePhoneNumber?
        public var nationalID: NationalIDNumber?

        public init(name: String, kinds: [RegistryV1.PersonKind], homeUnitID: Int64, phone: MobilePhoneNumber?, nationalID: NationalIDNumber?) {
            self.name = name
            self.kinds = kinds
            self.homeUnitID = homeUnitID
            self.phone = phone
            self.nationalID = nationalID
        }
    }

    /// Registers a person.
    ///
    /// - Throws: `RegistryError` `.notFound` for `home_unit_id`, `.alreadyExists` for a
    ///   `national_id` already registered to someone.
    public func register(_ person: NewPerson) async throws -> RegistryV1.Person {
        try await pool.transaction { tx in
            _ = try await UnitStore.fetch(person.homeUnitID, on: tx, field: "home_unit_id")
            let id: Int64
            do {
                id = try await tx.queryValue(
                    """
                    INSERT INTO registry.person (name, kinds, home_unit_id, phone, national_id)
                    VALUES (\(person.name), \(Self.kindNames(person.kinds)), \(person.homeUnitID), \(person.phone?.rawValue ?? ""), \(person.nationalID?.rawValue))
                    RETURNING id
                    """, as: Int64.self)
            } catch let error as PostgresError where error.serverInfo?.constraintName == "person_national_id_key" {
                throw RegistryError.alreadyExists("national_id", "a person with this national ID number")
            }
            try await tx.execute("INSERT INTO registry.person_change (person_id, change) VALUES (\(id), 'registered')")
            return try await Self.fetch(id, on: tx, field: "id")
        }
    }

    /// Returns a person.
    public func get(id: Int64) async throws -> RegistryV1.Person {
        try await Self.fetch(id, on: pool, field: "id")
    }

    /// Changes the given fields of a person; the names of the changed fields go into history.
    ///
    /// - Throws: `RegistryError` `.notFound` (`id`, `home_unit_id`), `.failedPrecondition` for an
    ///   inactive person.
    public func update(
        id: Int64, name: String?, kinds: [RegistryV1.PersonKind]?, homeUnitID: Int64?, phone: MobilePhoneNumber??
    ) async throws -> RegistryV1.Person {
        try await pool.transaction { tx in
            let current = try await Self.fetch(id, on: tx, lock: true, field: "id")
            guard current.active else {
                throw RegistryError(.failedPrecondition, field: "id", "the person is inactive")
            }
            var changed: [String] = []
            if let name, name != current.name {
                try await tx.execute("UPDATE registry.person SET name = \(name) WHERE id = \(id)")
                changed.append("name")
            }
            if let kinds, Set(kinds) != Set(current.kinds) {
                try await tx.execute("UPDATE registry.person SET kinds = \(Self.kindNames(kinds)) WHERE id = \(id)")
                changed.append("kinds")
            }
            if let homeUnitID, homeUnitID != current.homeUnitID {
                _ = try await UnitStore.fetch(homeUnitID, on: tx, field: "home_unit_id")
                try await tx.execute("UPDATE registry.person SET home_unit_id = \(homeUnitID) WHERE id = \(id)")
                changed.append("home_unit_id")
            }
            if let phone, (phone?.rawValue ?? "") != current.phone {
                try await tx.execute("UPDATE registry.person SET phone = \(phone?.rawValue ?? "") WHERE id = \(id)")
                changed.append("phone")
            }
            if !changed.isEmpty {
                try await tx.execute("UPDATE registry.person SET updated_at = now() WHERE id = \(id)")
                try await tx.execute(
                    "INSERT INTO registry.person_change (person_id, change, fields) VALUES (\(id), 'updated', \(changed))")
            }
            return try await Self.fetch(id, on: tx, field: "id")
        }
    }

    /// Marks a person inactive; repeating it changes nothing.
    public func deactivate(id: Int64, reason: String) async throws -> RegistryV1.Person {
        try await pool.transaction { tx in
            let current = try await Self.fetch(id, on: tx, lock: true, field: "id")
            if current.active {
                try await tx.execute(
                    "UPDATE registry.person SET active = false, deactivated_reason = \(reason), updated_at = now() WHERE id = \(id)")
                try await tx.execute(
                    "INSERT INTO registry.person_change (person_id, change, reason) VALUES (\(id), 'deactivated', \(reason))")
            }
            return try await Self.fetch(id, on: tx, field: "id")
        }
    }

    /// A page of people, by id, whose home unit lies in `unitID`'s subtree.
    public func list(
        unitID: Int64, kind: RegistryV1.PersonKind?, includeInactive: Bool, nameContains: String, page: PageBounds
    ) async throws -> (people: [RegistryV1.Person], nextPageToken: String) {
        if unitID != 0 { _ = try await UnitStore.fetch(unitID, on: pool, field: "unit_id") }
        let pattern = nameContains.isEmpty ? nil : "%" + UnitStore.escapeLike(nameContains) + "%"
        let rows = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM registry.person p JOIN registry.unit u ON u.id = p.home_unit_id
            WHERE (\(unitID) = 0 OR u.path @> ARRAY[\(unitID)]::bigint[])
              AND (\(kind?.shortName)::text IS NULL OR \(kind?.shortName) = ANY(p.kinds))
              AND (\(includeInactive) OR p.active)
              AND (\(pattern)::text IS NULL OR p.name LIKE \(pattern))
              AND p.id > \(page.after)
            ORDER BY p.id LIMIT \(page.size)
            """)
        let people = try rows.map(Self.decode)
        return (people, page.nextToken(after: people.map(\.id)))
    }

    // MARK: Rows

    static func kindNames(_ kinds: [RegistryV1.PersonKind]) -> [String] {
        Array(Set(kinds.compactMap(\.shortName))).sorted()
    }

    static func fetch(_ id: Int64, on db: some PostgresQueryable, lock: Bool = false, field: String) async throws -> RegistryV1.Person {
        let sql = """
            SELECT \(columns) FROM registry.person p JOIN registry.unit u ON u.id = p.home_unit_id WHERE p.id = $1
            """ + (lock ? " FOR UPDATE OF p" : "")
        guard id > 0, let row = try await db.queryFirst(PostgresQuery(unsafeSQL: sql, bindings: PostgresBindings(id))) else {
            throw RegistryError.notFound(field, "person")
        }
        return try decode(row)
    }

    static func decode(_ row: PostgresRow) throws -> RegistryV1.Person {
        RegistryV1.Person(
            id: try row.decode(Int64.self, column: "id"),
            name: try row.decode(String.self, column: "name"),
            kinds: try row.decode([String].self, column: "kinds").compactMap(RegistryV1.PersonKind.init(shortName:)),
            homeUnitID: try row.decode(Int64.self, column: "home_unit_id"),
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0,
            phone: try row.decode(String.self, column: "phone"),
            nationalID: try row.decode(String?.self, column: "national_id") ?? "",
            active: try row.decode(Bool.self, column: "active"),
            createdAtMs: try row.decode(Date.self, column: "created_at").unixMilliseconds,
            updatedAtMs: try row.decode(Date.self, column: "updated_at").unixMilliseconds)
    }
}
