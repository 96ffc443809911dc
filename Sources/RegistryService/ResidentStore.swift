import FengqiaoDomain
import FengqiaoRuntime
import FengqiaoMessages
import FengqiaoPostgres

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Residents (实有人口): registered and floating, placed in a household or just in a community.
public struct ResidentStore: Sendable {
    let pool: PostgresPool
    let personal: PersonalDataColumns
    let rows: ResidentRows

    public init(pool: PostgresPool, personal: PersonalDataColumns) {
        self.pool = pool
        self.personal = personal
        self.rows = ResidentRows(personal: personal)
    }

    /// A validated resident to register or import.
    public struct NewResident: Sendable {
        public var name: String
        public var kind: RegistryV1.ResidentKind
        public var nationalID: NationalIDNumber?
        public var phone: MobilePhoneNumber?
        public var householdID: Int64?
        public var unitID: Int64?
        public var movedIn: CalendarDate?

        public init(
            name: String, kind: RegistryV1.ResidentKind, nationalID: NationalIDNumber?, phone: MobilePhoneNumber?,
            householdID: Int64?, unitID: Int64?, movedIn: CalendarDate?
        ) {
            self.name = name
            self.kind = kind
            self.nationalID = nationalID
            self.phone = phone
            self.householdID = householdID
            self.unitID = unitID
            self.movedIn = movedIn
        }
    }

    /// Registers one resident.
    ///
    /// - Throws: `RegistryError` `.notFound` (`household_id`, `unit_id`), `.failedPrecondition`
    ///   for a unit that is not a place, `.alreadyExists` for a national ID number of a current
    ///   resident (`national_id`) or the same name in the household (`name`).
    public func register(_ resident: NewResident) async throws -> RegistryV1.Resident {
        try await pool.transaction { tx in
            var unitID = resident.unitID ?? 0
            if let householdID = resident.householdID {
                guard let row = try await tx.queryFirst("SELECT unit_id FROM registry.household WHERE id = \(householdID)") else {
                    throw RegistryError.notFound("household_id", "household")
                }
                unitID = try row.decode(Int64.self, at: 0)
            }
            let unit = try await UnitStore.fetch(unitID, on: tx, field: "unit_id")
            guard UnitRules.isPlace(unit.kind) else {
                throw RegistryError(.failedPrecondition, field: "unit_id", "a resident lives in a community, village, scenic area, compound or grid")
            }
            let nationalID = try personal.seal(resident.nationalID?.rawValue, .nationalID, column: ResidentRows.nationalIDColumn)
            let phone = try personal.seal(resident.phone?.rawValue, .phone, column: ResidentRows.phoneColumn)
            do {
                let id = try await tx.queryValue(
                    """
                    INSERT INTO registry.resident (name, kind, national_id, national_id_hash, phone, phone_hash, household_id, unit_id, moved_in)
                    VALUES (\(resident.name), \(resident.kind.shortName ?? "registered"), \(nationalID.value), \(nationalID.hash),
                            \(phone.value), \(phone.hash), \(resident.householdID), \(unitID), \(resident.movedIn?.description)::date)
                    RETURNING id
                    """, as: Int64.self)
                return try await fetch(id, on: tx)
            } catch let error as PostgresError where error.serverInfo?.constraintName == "resident_national_id_key" {
                throw RegistryError.alreadyExists("national_id", "a current resident with this national ID number")
            } catch let error as PostgresError
                where ["resident_household_name_key", "resident_unit_name_key"].contains(error.serverInfo?.constraintName)
            {
                throw RegistryError.alreadyExists("name", "a current resident of this name without an ID number here")
            }
        }
    }

    /// Records a move-out; the resident stays on record.
    public func moveOut(id: Int64, on day: CalendarDate) async throws -> RegistryV1.Resident {
        try await pool.transaction { tx in
            let resident = try await fetch(id, on: tx)
            guard resident.movedOut == nil else {
                throw RegistryError(.failedPrecondition, field: "id", "the resident has already moved out")
            }
            if let start = resident.movedIn.flatMap(CalendarDate.init), day < start {
                throw RegistryError(.failedPrecondition, field: "moved_out", "the move-out date is before the move-in date")
            }
            try await tx.execute("UPDATE registry.resident SET moved_out = \(day.description)::date WHERE id = \(id)")
            return try await fetch(id, on: tx)
        }
    }

    /// A page of residents of a unit's subtree, by id; `nationalID` and `phone` match exactly, by
    /// lookup hash.
    public func list(
        unitID: Int64, kind: RegistryV1.ResidentKind?, includeMovedOut: Bool, nameContains: String,
        nationalID: NationalIDNumber? = nil, phone: MobilePhoneNumber? = nil, page: PageBounds
    ) async throws -> (residents: [RegistryV1.Resident], nextPageToken: String) {
        if unitID != 0 { _ = try await UnitStore.fetch(unitID, on: pool, field: "unit_id") }
        let pattern = nameContains.isEmpty ? nil : "%" + UnitStore.escapeLike(nameContains) + "%"
        let nationalIDHash = nationalID.map { personal.lookupHash($0.rawValue, .nationalID) }
        let phoneHash = phone.map { personal.lookupHash($0.rawValue, .phone) }
        let residents = try await pool.query(
            """
            SELECT \(unsafeRaw: ResidentRows.columns) FROM registry.resident r JOIN registry.unit u ON u.id = r.unit_id
            WHERE (\(unitID) = 0 OR u.path @> ARRAY[\(unitID)]::bigint[])
              AND (\(kind?.shortName)::text IS NULL OR r.kind = \(kind?.shortName))
              AND (\(includeMovedOut) OR r.moved_out IS NULL)
              AND (\(pattern)::text IS NULL OR r.name LIKE \(pattern))
              AND (\(nationalIDHash)::bytea IS NULL OR r.national_id_hash = \(nationalIDHash))
              AND (\(phoneHash)::bytea IS NULL OR r.phone_hash = \(phoneHash))
              AND r.id > \(page.after)
            ORDER BY r.id LIMIT \(page.size)
            """
        ).map(rows.decode)
        return (residents, page.nextToken(after: residents.map(\.id)))
    }

    /// Stores a chunk of already-validated rows in one statement; rows whose natural key exists
    /// (a current resident's national ID number; without one, a name in a household or in the unit) are skipped.
    ///
    /// - Returns: how many rows were stored; the rest were duplicates.
    func insert(_ rows: [NewResident], on tx: PostgresTransaction) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        var nationalIDs: [String] = [], nationalIDHashes: [Data] = [], phones: [String] = [], phoneHashes: [Data] = []
        for row in rows {
            let nationalID = try personal.seal(row.nationalID?.rawValue, .nationalID, column: ResidentRows.nationalIDColumn)
            let phone = try personal.seal(row.phone?.rawValue, .phone, column: ResidentRows.phoneColumn)
            nationalIDs.append(nationalID.value ?? "")
            nationalIDHashes.append(nationalID.hash ?? Data())
            phones.append(phone.value ?? "")
            phoneHashes.append(phone.hash ?? Data())
        }
        var bindings = PostgresBindings()
        bindings.append(rows.map(\.name))
        bindings.append(rows.map { $0.kind.shortName ?? "registered" })
        bindings.append(nationalIDs)
        bindings.append(nationalIDHashes)
        bindings.append(phones)
        bindings.append(phoneHashes)
        bindings.append(rows.map { $0.householdID ?? 0 })
        bindings.append(rows.map { $0.unitID ?? 0 })
        bindings.append(rows.map { $0.movedIn?.description ?? "" })
        // Empty texts and hashes stand for NULL in the arrays.
        return try await tx.execute(PostgresQuery(
            unsafeSQL: """
                INSERT INTO registry.resident (name, kind, national_id, national_id_hash, phone, phone_hash, household_id, unit_id, moved_in)
                SELECT name, kind, NULLIF(national_id, ''), NULLIF(national_id_hash, ''::bytea), NULLIF(phone, ''),
                       NULLIF(phone_hash, ''::bytea), NULLIF(household_id, 0), unit_id, NULLIF(moved_in, '')::date
                FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::bytea[], $7::bigint[], $8::bigint[], $9::text[])
                    WITH ORDINALITY AS r(name, kind, national_id, national_id_hash, phone, phone_hash, household_id, unit_id, moved_in, n)
                ORDER BY n
                ON CONFLICT DO NOTHING
                """, bindings: bindings))
    }

    func fetch(_ id: Int64, on db: some PostgresQueryable) async throws -> RegistryV1.Resident {
        guard id > 0, let row = try await db.queryFirst(
            "SELECT \(unsafeRaw: ResidentRows.columns) FROM registry.resident r JOIN registry.unit u ON u.id = r.unit_id WHERE r.id = \(id)")
        else { throw RegistryError.notFound("id", "resident") }
        return try rows.decode(row)
    }
}

/// How resident rows are read: personal data masked.
struct ResidentRows: Sendable {
    let personal: PersonalDataColumns

    static let nationalIDColumn = "registry.resident.national_id"
    static let phoneColumn = "registry.resident.phone"
    static let columns = """
        r.id, r.name, r.kind, r.national_id, r.phone, r.household_id, r.unit_id, u.station_id,
        r.moved_in::text AS moved_in, r.moved_out::text AS moved_out
        """

    func decode(_ row: PostgresRow) throws -> RegistryV1.Resident {
        RegistryV1.Resident(
            id: try row.decode(Int64.self, column: "id"),
            name: try row.decode(String.self, column: "name"),
            kind: RegistryV1.ResidentKind(shortName: try row.decode(String.self, column: "kind")) ?? .unspecified,
            nationalID: try personal.masked(try row.decode(String?.self, column: "national_id"), .nationalID, column: Self.nationalIDColumn),
            phone: try personal.masked(try row.decode(String?.self, column: "phone"), .phone, column: Self.phoneColumn),
            householdID: try row.decode(Int64?.self, column: "household_id") ?? 0,
            unitID: try row.decode(Int64.self, column: "unit_id"),
            movedIn: try row.decode(String?.self, column: "moved_in").flatMap(CalendarDate.init).map(CommonV1.Date.init),
            movedOut: try row.decode(String?.self, column: "moved_out").flatMap(CalendarDate.init).map(CommonV1.Date.init),
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0)
    }
}
