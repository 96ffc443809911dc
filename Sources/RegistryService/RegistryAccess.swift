import FengqiaoAccess
import FengqiaoMessages
import FengqiaoPostgres

extension RecordKind {
    public static let unit = RecordKind("unit")
    public static let person = RecordKind("person")
    public static let team = RecordKind("team")
    public static let address = RecordKind("address")
    public static let qrPlate = RecordKind("QR plate")
    public static let building = RecordKind("building")
    public static let household = RecordKind("household")
    public static let resident = RecordKind("resident")
    public static let actualUnit = RecordKind("actual unit")
    public static let chatGroup = RecordKind("chat group")
    public static let credential = RecordKind("credential")
}

/// Finds the station of any registry record, by the unit it hangs off.
public struct RegistryStationResolver: StationResolver {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func owner(of kind: RecordKind, _ key: RecordKey) async throws -> Ownership {
        let found: Int64??
        switch (kind, key) {
        case (.unit, .id(let id)):
            found = try await station("SELECT station_id FROM registry.unit WHERE id = \(id)")
        case (.unit, .code(let code)):
            found = try await station("SELECT station_id FROM registry.unit WHERE code = \(code)")
        case (.person, .id(let id)):
            found = try await station(
                "SELECT u.station_id FROM registry.person p JOIN registry.unit u ON u.id = p.home_unit_id WHERE p.id = \(id)")
        case (.qrPlate, .code(let code)):
            found = try await station(
                "SELECT u.station_id FROM registry.address a JOIN registry.unit u ON u.id = a.unit_id WHERE a.qr_code = \(code)")
        case (.credential, .id(let id)):
            found = try await station("SELECT station_id FROM registry.credential WHERE id = \(id)")
        case (_, .id(let id)):
            guard let table = Self.tablesByUnit[kind] else { return .missing }
            found = try await station(
                "SELECT u.station_id FROM registry.\(unsafeRaw: table) r JOIN registry.unit u ON u.id = r.unit_id WHERE r.id = \(id)")
        default:
            return .missing
        }
        switch found {
        case .none: return .missing
        case .some(.none): return .county
        case .some(.some(let station)): return .station(station)
        }
    }

    /// Tables whose rows carry the unit they belong to.
    static let tablesByUnit: [RecordKind: String] = [
        .team: "team", .address: "address", .building: "building", .household: "household", .resident: "resident",
        .actualUnit: "actual_unit", .chatGroup: "chat_group",
    ]

    /// `nil` when no row matches; `.some(nil)` for a row with no station.
    private func station(_ query: PostgresQuery) async throws -> Int64?? {
        guard let row = try await pool.queryFirst(query) else { return nil }
        return .some(try row.decode(Int64?.self, column: "station_id"))
    }
}

extension RegistryHandler {
    /// Who may call what, and how each call finds its station. Documented in docs/SECURITY.md.
    public static let accessPolicy = AccessPolicy { policy in
        typealias R = RegistryV1.Registry
        let admins: Set<Role> = [.countyAdmin, .stationAdmin]
        let recorders: Set<Role> = [.countyAdmin, .stationAdmin, .officer]
        let staff: Set<Role> = [.countyAdmin, .stationAdmin, .officer, .mediator, .service]
        let places: Set<Role> = staff.union([.patrolMember])
        let everyone = Role.everyone

        // Units: the organisation is no secret to any role; only admins change it.
        policy.allow(R.createUnit, admins, .references(.id(.unit, \.parentID, field: "parent_id", .write)))
        policy.allow(R.getUnit, everyone, .references(.id(.unit, \.id, field: "id", .read), .code(.unit, \.code, field: "code", .read)))
        policy.allow(R.updateUnit, admins, .references(
            .id(.unit, \.id, field: "id", .write), .id(.unit, \.parentID.orZero, field: "parent_id", .write)))
        policy.allow(R.listUnits, everyone, .references(.filter(.unit, \.parentID, field: "parent_id")))
        policy.allow(R.getUnitHistory, everyone, .references(.id(.unit, \.id, field: "id", .read)))
        policy.allow(R.getUnitStats, everyone, .references(.filter(.unit, \.unitID, field: "unit_id")))

        // People.
        policy.allow(R.registerPerson, admins, .references(.id(.unit, \.homeUnitID, field: "home_unit_id", .write)))
        policy.allow(R.getPerson, staff, .references(.id(.person, \.id, field: "id", .read)))
        policy.allow(R.updatePerson, admins, .references(
            .id(.person, \.id, field: "id", .write), .id(.unit, \.homeUnitID.orZero, field: "home_unit_id", .write)))
        policy.allow(R.deactivatePerson, admins, .references(.id(.person, \.id, field: "id", .write)))
        policy.allow(R.listPeople, staff, .references(.filter(.unit, \.unitID, field: "unit_id")))

        // Teams.
        policy.allow(R.createTeam, admins, .references(.id(.unit, \.unitID, field: "unit_id", .write)))
        policy.allow(R.listTeams, everyone, .references(.filter(.unit, \.unitID, field: "unit_id")))
        policy.allow(R.addTeamMember, recorders, .references(
            .id(.team, \.teamID, field: "team_id", .write), .id(.person, \.personID, field: "person_id", .write)))
        policy.allow(R.removeTeamMember, recorders, .references(
            .id(.team, \.teamID, field: "team_id", .write), .id(.person, \.personID, field: "person_id", .write)))
        policy.allow(R.listTeamMembers, places, .references(.id(.team, \.teamID, field: "team_id", .read)))

        // Mediators.
        policy.allow(R.setMediatorProfile, admins, .references(
            .id(.person, \.personID, field: "person_id", .write), .ids(.unit, \.communityIDs, field: "community_ids", .read)))
        policy.allow(R.getMediatorCandidates, staff, .references(
            .id(.unit, \.communityID, field: "community_id", .read), .id(.unit, \.stationID, field: "station_id", .read)))
        policy.allow(R.reportMediatorLoad, [.countyAdmin, .service], .references(.id(.person, \.personID, field: "person_id", .write)))

        // 一标三实.
        policy.allow(R.createAddress, recorders, .references(
            .id(.unit, \.unitID, field: "unit_id", .write), .id(.unit, \.gridID, field: "grid_id", .write)))
        policy.allow(R.resolveQRPlate, places, .references(.code(.qrPlate, \.code, field: "code", .read)))
        policy.allow(R.listAddresses, places, .references(.filter(.unit, \.unitID, field: "unit_id")))
        policy.allow(R.createBuilding, recorders, .references(.id(.address, \.addressID, field: "address_id", .write)))
        policy.allow(R.listBuildings, places, .references(
            .filter(.unit, \.unitID, field: "unit_id"), .id(.address, \.addressID, field: "address_id", .read)))
        policy.allow(R.createHousehold, recorders, .references(
            .id(.building, \.buildingID, field: "building_id", .write), .id(.address, \.addressID, field: "address_id", .write)))
        policy.allow(R.getFloorPlan, [.countyAdmin, .stationAdmin, .officer, .service], .references(
            .id(.building, \.buildingID, field: "building_id", .read)))
        policy.allow(R.registerResident, recorders, .references(
            .id(.household, \.householdID, field: "household_id", .write), .id(.unit, \.unitID, field: "unit_id", .write)))
        policy.allow(R.moveOutResident, recorders, .references(.id(.resident, \.id, field: "id", .write)))
        policy.allow(R.listResidents, [.countyAdmin, .stationAdmin, .officer, .service], .references(.filter(.unit, \.unitID, field: "unit_id")))
        policy.allow(R.createActualUnit, recorders, .references(.id(.address, \.addressID, field: "address_id", .write)))
        policy.allow(R.listActualUnits, everyone, .references(.filter(.unit, \.unitID, field: "unit_id")))

        // Chat groups.
        policy.allow(R.createChatGroup, recorders, .references(.id(.unit, \.unitID, field: "unit_id", .write)))
        policy.allow(R.recordChatGroupActivity, recorders, .references(.id(.chatGroup, \.id, field: "id", .write)))
        policy.allow(R.listChatGroups, everyone, .references(.filter(.unit, \.unitID, field: "unit_id")))

        // Imports name their units row by row; the import confines them to the caller's station.
        policy.allow(R.importResidents, recorders, .handler)
        policy.allow(R.importAddresses, recorders, .handler)

        // Credentials: a station admin manages its own station's station roles.
        policy.allow(R.issueCredential, admins, .references(
            .id(.unit, \.stationID, field: "station_id", .write), .id(.person, \.personID, field: "person_id", .read)))
        policy.allow(R.revokeCredential, admins, .references(.id(.credential, \.id, field: "id", .write)))
        policy.allow(R.listCredentials, admins, .references(.filter(.unit, \.stationID, field: "station_id")))
        policy.allow(R.whoAmI, everyone, .county)

        // Personal data in full: for a reason, and only once the audit trail holds the request.
        policy.allow(R.revealPersonalData, [.countyAdmin, .officer], .references(
            .id(.person, \.personID, field: "person_id", .read), .id(.resident, \.residentID, field: "resident_id", .read)),
            audit: .requiredBeforeAnswer)
        policy.allow(R.listAuditEvents, [.countyAdmin], .county)

        // For other services: their callers' credentials, and household ties for conflict checks.
        policy.allow(R.lookUpCredential, [.service], .county)
        policy.allow(R.getHouseholdTies, [.countyAdmin, .service], .county)
    }
}

extension Optional where Wrapped == Int64 {
    /// The value, or 0 when absent: for optional id fields in access rules.
    var orZero: Int64 { self ?? 0 }
}
