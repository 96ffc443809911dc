import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime

extension RegistryHandler {
    public func registerPerson(_ request: RegistryV1.RegisterPersonRequest, context: ServerContext) async throws -> RegistryV1.Person {
        var check = Validation()
        let name = check.text(request.name, field: "name", maxLength: 50)
        if request.kinds.isEmpty { check.fail("kinds", "at least one kind is required") }
        for (index, kind) in request.kinds.enumerated() { check.known(kind, field: "kinds[\(index)]") }
        check.id(request.homeUnitID, field: "home_unit_id")
        let phone = check.phone(request.phone, field: "phone")
        let nationalID = check.nationalID(request.nationalID, field: "national_id", today: today())
        try check.finish()
        return try await people.register(.init(name: name, kinds: request.kinds, homeUnitID: request.homeUnitID, phone: phone, nationalID: nationalID))
    }

    public func getPerson(_ request: RegistryV1.GetPersonRequest, context: ServerContext) async throws -> RegistryV1.Person {
        try await people.get(id: request.id)
    }

    public func updatePerson(_ request: RegistryV1.UpdatePersonRequest, context: ServerContext) async throws -> RegistryV1.Person {
        var check = Validation()
        check.id(request.id, field: "id")
        let name = request.name.map { check.text($0, field: "name", maxLength: 50) }
        for (index, kind) in request.kinds.enumerated() { check.known(kind, field: "kinds[\(index)]") }
        if let unit = request.homeUnitID { check.id(unit, field: "home_unit_id") }
        let phone: MobilePhoneNumber?? = request.phone.map { check.phone($0, field: "phone") }
        try check.finish()
        return try await people.update(
            id: request.id, name: name, kinds: request.kinds.isEmpty ? nil : request.kinds, homeUnitID: request.homeUnitID, phone: phone)
    }

    public func deactivatePerson(_ request: RegistryV1.DeactivatePersonRequest, context: ServerContext) async throws -> RegistryV1.Person {
        var check = Validation()
        check.id(request.id, field: "id")
        let reason = check.text(request.reason, field: "reason", maxLength: 500, required: false)
        try check.finish()
        return try await people.deactivate(id: request.id, reason: reason)
    }

    public func listPeople(_ request: RegistryV1.ListPeopleRequest, context: ServerContext) async throws -> RegistryV1.ListPeopleResponse {
        var check = Validation()
        check.id(request.unitID, field: "unit_id", required: false)
        let name = check.text(request.nameContains, field: "name_contains", maxLength: 50, required: false)
        let nationalID = check.nationalID(request.nationalID, field: "national_id")
        let phone = check.phone(request.phone, field: "phone")
        let page = check.page(request.page)
        try check.finish()
        let result = try await people.list(
            unitID: request.unitID, kind: request.kind == .unspecified ? nil : request.kind, includeInactive: request.includeInactive,
            nameContains: name, nationalID: nationalID, phone: phone, page: page)
        return RegistryV1.ListPeopleResponse(people: result.people, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    // MARK: Teams

    public func createTeam(_ request: RegistryV1.CreateTeamRequest, context: ServerContext) async throws -> RegistryV1.Team {
        var check = Validation()
        let name = check.text(request.name, field: "name", maxLength: 100)
        check.known(request.kind, field: "kind")
        check.id(request.unitID, field: "unit_id")
        try check.finish()
        return try await teams.create(name: name, kind: request.kind, unitID: request.unitID)
    }

    public func listTeams(_ request: RegistryV1.ListTeamsRequest, context: ServerContext) async throws -> RegistryV1.ListTeamsResponse {
        var check = Validation()
        check.id(request.unitID, field: "unit_id", required: false)
        let page = check.page(request.page)
        try check.finish()
        let result = try await teams.list(unitID: request.unitID, kind: request.kind == .unspecified ? nil : request.kind, page: page)
        return RegistryV1.ListTeamsResponse(teams: result.teams, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    public func addTeamMember(_ request: RegistryV1.AddTeamMemberRequest, context: ServerContext) async throws -> RegistryV1.TeamMembership {
        var check = Validation()
        check.id(request.teamID, field: "team_id")
        check.id(request.personID, field: "person_id")
        let role = check.text(request.role, field: "role", maxLength: 50, required: false)
        let start = check.date(request.startDate, field: "start_date") ?? today()
        try check.finish()
        return try await teams.addMember(teamID: request.teamID, personID: request.personID, role: role, start: start)
    }

    public func removeTeamMember(_ request: RegistryV1.RemoveTeamMemberRequest, context: ServerContext) async throws -> RegistryV1.TeamMembership {
        var check = Validation()
        check.id(request.teamID, field: "team_id")
        check.id(request.personID, field: "person_id")
        let end = check.date(request.endDate, field: "end_date") ?? today()
        try check.finish()
        return try await teams.removeMember(teamID: request.teamID, personID: request.personID, end: end)
    }

    public func listTeamMembers(_ request: RegistryV1.ListTeamMembersRequest, context: ServerContext) async throws -> RegistryV1.ListTeamMembersResponse {
        var check = Validation()
        check.id(request.teamID, field: "team_id")
        let day = check.date(request.on, field: "on") ?? today()
        let page = check.page(request.page)
        try check.finish()
        let result = try await teams.members(teamID: request.teamID, on: day, page: page)
        return RegistryV1.ListTeamMembersResponse(members: result.members, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    // MARK: Mediators

    public func setMediatorProfile(_ request: RegistryV1.SetMediatorProfileRequest, context: ServerContext) async throws -> RegistryV1.MediatorProfile {
        var check = Validation()
        check.id(request.personID, field: "person_id")
        check.known(request.tier, field: "tier")
        check.known(request.force, field: "force")
        for (index, category) in request.categories.enumerated() { check.known(category, field: "categories[\(index)]") }
        for (index, id) in request.communityIDs.enumerated() { check.id(id, field: "community_ids[\(index)]") }
        check.range(request.maxOpenCases, 1...100, field: "max_open_cases")
        try check.finish()
        return try await mediators.set(.init(
            personID: request.personID, tier: request.tier, force: request.force, categories: request.categories,
            communityIDs: request.communityIDs, maximumOpenCases: request.maxOpenCases))
    }

    public func getMediatorCandidates(
        _ request: RegistryV1.GetMediatorCandidatesRequest, context: ServerContext
    ) async throws -> RegistryV1.GetMediatorCandidatesResponse {
        var check = Validation()
        check.range(request.level, 1...5, field: "level")
        check.known(request.category, field: "category")
        check.id(request.communityID, field: "community_id")
        check.id(request.stationID, field: "station_id", required: false)
        check.range(request.limit, 0...50, field: "limit")
        try check.finish()
        let candidates = try await mediators.candidates(
            level: Int(request.level), category: request.category, communityID: request.communityID,
            excluded: Set(request.excludedPersonIDs), stationID: request.stationID, limit: request.limit == 0 ? 10 : Int(request.limit))
        return RegistryV1.GetMediatorCandidatesResponse(candidates: candidates)
    }

    public func reportMediatorLoad(_ request: RegistryV1.ReportMediatorLoadRequest, context: ServerContext) async throws -> RegistryV1.MediatorProfile {
        var check = Validation()
        check.id(request.personID, field: "person_id")
        check.range(request.openCases, 0...10_000, field: "open_cases")
        try check.finish()
        return try await mediators.reportLoad(personID: request.personID, openCases: request.openCases)
    }
}
