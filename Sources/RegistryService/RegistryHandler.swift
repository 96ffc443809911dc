import FengqiaoAccess
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoRPC
import FengqiaoRuntime

/// Serves `fengqiao.registry.v1.Registry`: checks each request, then hands it to a store.
///
/// Every call is one transaction in its store. Bad input answers INVALID_ARGUMENT with every bad
/// field; unknown references NOT_FOUND, taken codes ALREADY_EXISTS, broken rules
/// FAILED_PRECONDITION, each naming the field.
public struct RegistryHandler: RegistryV1.Registry.Handler {
    let units: UnitStore
    let people: PersonStore
    let teams: TeamStore
    let mediators: MediatorStore
    let places: PlaceStore
    let residents: ResidentStore
    let actualUnits: ActualUnitStore
    let chatGroups: ChatGroupStore
    let imports: ImportStore
    let statistics: StatsStore
    let credentials: CredentialStore
    /// The verifier the server authenticates with, told at once about revocations made here.
    let verifier: CredentialVerifier?
    /// Today's date where the bureau works; replaceable in tests.
    let today: @Sendable () -> CalendarDate

    /// Personal data: where it is read in full, for `RevealPersonalData`.
    let personalData: PersonalDataStore
    /// The audit trail, for `ListAuditEvents`.
    let audit: AuditTrailStore
    /// Household ties, for other services' conflict-of-interest checks.
    let householdTies: HouseholdTieStore

    /// - Parameter personal: seals and masks national ID numbers and phone numbers.
    public init(
        pool: PostgresPool, personal: PersonalDataColumns, verifier: CredentialVerifier? = nil,
        today: @escaping @Sendable () -> CalendarDate = { CalendarDate.todayInChina() }
    ) {
        self.units = UnitStore(pool: pool)
        self.people = PersonStore(pool: pool, personal: personal)
        self.teams = TeamStore(pool: pool)
        self.mediators = MediatorStore(pool: pool)
        self.places = PlaceStore(pool: pool, personal: personal)
        self.residents = ResidentStore(pool: pool, personal: personal)
        self.actualUnits = ActualUnitStore(pool: pool)
        self.chatGroups = ChatGroupStore(pool: pool)
        self.imports = ImportStore(pool: pool, personal: personal)
        self.statistics = StatsStore(pool: pool)
        self.credentials = CredentialStore(pool: pool)
        self.personalData = PersonalDataStore(pool: pool, personal: personal)
        self.audit = AuditTrailStore(pool: pool)
        self.householdTies = HouseholdTieStore(pool: pool)
        self.verifier = verifier
        self.today = today
    }

    // MARK: Units

    public func createUnit(_ request: RegistryV1.CreateUnitRequest, context: ServerContext) async throws -> RegistryV1.Unit {
        var check = Validation()
        let code = check.code(request.code, field: "code")
        let name = check.text(request.name, field: "name", maxLength: 100)
        check.known(request.kind, field: "kind")
        if request.kind == .bureau {
            if request.parentID != 0 { check.fail("parent_id", "a bureau has no parent") }
        } else {
            check.id(request.parentID, field: "parent_id")
        }
        check.location(request.location, field: "location")
        try check.finish()
        return try await units.create(.init(
            code: code, name: name, kind: request.kind, parentID: request.parentID == 0 ? nil : request.parentID, location: request.location))
    }

    public func getUnit(_ request: RegistryV1.GetUnitRequest, context: ServerContext) async throws -> RegistryV1.Unit {
        if request.id != 0 { return try await units.get(id: request.id) }
        var check = Validation()
        let code = check.code(request.code, field: "code")
        try check.finish()
        return try await units.get(code: code)
    }

    public func updateUnit(_ request: RegistryV1.UpdateUnitRequest, context: ServerContext) async throws -> RegistryV1.Unit {
        var check = Validation()
        check.id(request.id, field: "id")
        let name = request.name.map { check.text($0, field: "name", maxLength: 100) }
        if let parent = request.parentID { check.id(parent, field: "parent_id") }
        check.location(request.location, field: "location")
        let reason = check.text(request.reason, field: "reason", maxLength: 500, required: false)
        try check.finish()
        return try await units.update(id: request.id, name: name, parentID: request.parentID, location: request.location, reason: reason)
    }

    public func listUnits(_ request: RegistryV1.ListUnitsRequest, context: ServerContext) async throws -> RegistryV1.ListUnitsResponse {
        var check = Validation()
        check.id(request.parentID, field: "parent_id", required: false)
        let name = check.text(request.nameContains, field: "name_contains", maxLength: 100, required: false)
        let page = check.page(request.page)
        try check.finish()
        let result = try await units.list(parentID: request.parentID, subtree: request.subtree, kinds: request.kinds, nameContains: name, page: page)
        return RegistryV1.ListUnitsResponse(units: result.units, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    public func getUnitHistory(_ request: RegistryV1.GetUnitHistoryRequest, context: ServerContext) async throws -> RegistryV1.GetUnitHistoryResponse {
        RegistryV1.GetUnitHistoryResponse(changes: try await units.history(id: request.id))
    }

    public func getUnitStats(_ request: RegistryV1.GetUnitStatsRequest, context: ServerContext) async throws -> RegistryV1.UnitStats {
        var check = Validation()
        check.id(request.unitID, field: "unit_id")
        try check.finish()
        return try await statistics.stats(unitID: request.unitID)
    }
}
