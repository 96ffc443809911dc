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
    let personal: PersonalDataColumns

    public init(pool: PostgresPool, personal: PersonalDataColumns) {
        self.pool = pool
        self.personal = personal
    }

    static let columns = """
        p.id, p.name, p.kinds, p.home_unit_id, u.station_id, p.phone, p.phone_hash, p.national_id, p.active, p.created_at, p.updated_at
        """
    static let nationalIDColumn = "registry.person.national_id"
    static let phoneColumn = "registry.person.phone"

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
            let nationalID = try personal.seal(person.nationalID?.rawValue, .nationalID, column: Self.nationalIDColumn)
            let phone = try personal.seal(person.phone?.rawValue, .phone, column: Self.phoneColumn)
            do {
                id = try await tx.queryValue(
                    """
                    INSERT INTO registry.person (name, kinds, home_unit_id, phone, phone_hash, national_id, national_id_hash)
                    VALUES (\(person.name), \(Self.kindNames(person.kinds)), \(person.homeUnitID),
                            \(phone.value), \(phone.hash), \(nationalID.value), \(nationalID.hash))
                    RETURNING id
                    """, as: Int64.self)
            } catch let error as PostgresError where error.serverInfo?.constraintName == "person_national_id_key" {
                throw RegistryError.alreadyExists("national_id", "a person with this national ID number")
            }
            try await tx.execute("INSERT INTO registry.person_change (person_id, change) VALUES (\(id), 'registered')")
            return try await fetch(id, on: tx, field: "id")
        }
    }

    /// Returns a person.
    public func get(id: Int64) async throws -> RegistryV1.Person {
        try await fetch(id, on: pool, field: "id")
    }

    /// Changes the given fields of a person; the names of the changed fields go into history.
    ///
    /// - Throws: `RegistryError` `.notFound` (`id`, `home_unit_id`), `.failedPrecondition` for an
    ///   inactive person.
    public func update(
        id: Int64, name: String?, kinds: [RegistryV1.PersonKind]?, homeUnitID: Int64?, phone: MobilePhoneNumber??
    ) async throws -> RegistryV1.Person {
        try await pool.transaction { tx in
            let (current, currentPhoneHash) = try await fetchStored(id, on: tx, lock: true, field: "id")
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
            if let phone, phone.map({ personal.lookupHash($0.rawValue, .phone) }) != currentPhoneHash {
                let sealed = try personal.seal(phone?.rawValue, .phone, column: Self.phoneColumn)
                try await tx.execute("UPDATE registry.person SET phone = \(sealed.value), phone_hash = \(sealed.hash) WHERE id = \(id)")
                changed.append("phone")
            }
            if !changed.isEmpty {
                try await tx.execute("UPDATE registry.person SET updated_at = now() WHERE id = \(id)")
                try await tx.execute(
                    "INSERT INTO registry.person_change (person_id, change, fields) VALUES (\(id), 'updated', \(changed))")
            }
            return try await fetch(id, on: tx, field: "id")
        }
    }

    /// Marks a person inactive; repeating it changes nothing.
    public func deactivate(id: Int64, reason: String) async throws -> RegistryV1.Person {
        try await pool.transaction { tx in
            let current = try await fetch(id, on: tx, lock: true, field: "id")
            if current.active {
                try await tx.execute(
                    "UPDATE registry.person SET active = false, deactivated_reason = \(reason), updated_at = now() WHERE id = \(id)")
                try await tx.execute(
                    "INSERT INTO registry.person_change (person_id, change, reason) VALUES (\(id), 'deactivated', \(reason))")
            }
            return try await fetch(id, on: tx, field: "id")
        }
    }

    /// A page of people, by id, whose home unit lies in `unitID`'s subtree.
    /// A page of people, by id, whose home unit lies in `unitID`'s subtree; `nationalID` and
    /// `phone` match exactly, by lookup hash.
    public func list(
        unitID: Int64, kind: RegistryV1.PersonKind?, includeInactive: Bool, nameContains: String,
        nationalID: NationalIDNumber? = nil, phone: MobilePhoneNumber? = nil, page: PageBounds
    ) async throws -> (people: [RegistryV1.Person], nextPageToken: String) {
        if unitID != 0 { _ = try await UnitStore.fetch(unitID, on: pool, field: "unit_id") }
        let pattern = nameContains.isEmpty ? nil : "%" + UnitStore.escapeLike(nameContains) + "%"
        let nationalIDHash = nationalID.map { personal.lookupHash($0.rawValue, .nationalID) }
        let phoneHash = phone.map { personal.lookupHash($0.rawValue, .phone) }
        let rows = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns) FROM registry.person p JOIN registry.unit u ON u.id = p.home_unit_id
            WHERE (\(unitID) = 0 OR u.path @> ARRAY[\(unitID)]::bigint[])
              AND (\(kind?.shortName)::text IS NULL OR \(kind?.shortName) = ANY(p.kinds))
              AND (\(includeInactive) OR p.active)
              AND (\(pattern)::text IS NULL OR p.name LIKE \(pattern))
              AND (\(nationalIDHash)::bytea IS NULL OR p.national_id_hash = \(nationalIDHash))
              AND (\(phoneHash)::bytea IS NULL OR p.phone_hash = \(phoneHash))
              AND p.id > \(page.after)
            ORDER BY p.id LIMIT \(page.size)
            """)
        let people = try rows.map { try decode($0).person }
        return (people, page.nextToken(after: people.map(\.id)))
    }

    // MARK: Rows

    static func kindNames(_ kinds: [RegistryV1.PersonKind]) -> [String] {
        Array(Set(kinds.compactMap(\.shortName))).sorted()
    }

    /// Whether a person is active, and their station, without touching their personal data: for
    /// the stores that only check a person they refer to.
    static func standing(
        _ id: Int64, on db: some PostgresQueryable, lock: Bool = false, field: String
    ) async throws -> (active: Bool, stationID: Int64) {
        let sql = """
            SELECT p.active, u.station_id FROM registry.person p JOIN registry.unit u ON u.id = p.home_unit_id WHERE p.id = $1
            """ + (lock ? " FOR UPDATE OF p" : "")
        guard id > 0, let row = try await db.queryFirst(PostgresQuery(unsafeSQL: sql, bindings: PostgresBindings(id))) else {
            throw RegistryError.notFound(field, "person")
        }
        return (try row.decode(Bool.self, column: "active"), try row.decode(Int64?.self, column: "station_id") ?? 0)
    }

    func fetch(_ id: Int64, on db: some PostgresQueryable, lock: Bool = false, field: String) async throws -> RegistryV1.Person {
        try await fetchStored(id, on: db, lock: lock, field: field).person
    }

    /// A person with the stored phone's lookup hash, for telling whether an update changes it.
    func fetchStored(
        _ id: Int64, on db: some PostgresQueryable, lock: Bool = false, field: String
    ) async throws -> (person: RegistryV1.Person, phoneHash: Data?) {
        let sql = """
            SELECT \(Self.columns) FROM registry.person p JOIN registry.unit u ON u.id = p.home_unit_id WHERE p.id = $1
            """ + (lock ? " FOR UPDATE OF p" : "")
        guard id > 0, let row = try await db.queryFirst(PostgresQuery(unsafeSQL: sql, bindings: PostgresBindings(id))) else {
            throw RegistryError.notFound(field, "person")
        }
        return try decode(row)
    }

    func decode(_ row: PostgresRow) throws -> (person: RegistryV1.Person, phoneHash: Data?) {
        let person = RegistryV1.Person(
            id: try row.decode(Int64.self, column: "id"),
            name: try row.decode(String.self, column: "name"),
            kinds: try row.decode([String].self, column: "kinds").compactMap(RegistryV1.PersonKind.init(shortName:)),
            homeUnitID: try row.decode(Int64.self, column: "home_unit_id"),
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0,
            phone: try personal.masked(try row.decode(String?.self, column: "phone"), .phone, column: Self.phoneColumn),
            nationalID: try personal.masked(try row.decode(String?.self, column: "national_id"), .nationalID, column: Self.nationalIDColumn),
            active: try row.decode(Bool.self, column: "active"),
            createdAtMs: try row.decode(Date.self, column: "created_at").unixMilliseconds,
            updatedAtMs: try row.decode(Date.self, column: "updated_at").unixMilliseconds)
        return (person, try row.decode(Data?.self, column: "phone_hash"))
    }
}
