import Crypto
import FengqiaoAccess
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoRPC
import FengqiaoRuntime
import FengqiaoSecurity
import Foundation
import MediationDomain

/// Serves `fengqiao.mediation.v1.Mediation`: checks each request, asks the registry what it must
/// (units, people, households, mediator candidates), then hands the change to the store, where it
/// is one transaction.
///
/// Bad input answers INVALID_ARGUMENT with every bad field; unknown references NOT_FOUND; a rule
/// of docs/MEDIATION.md the dispute's state breaks FAILED_PRECONDITION naming the field; a stale
/// `expected_version` ABORTED; a registry that cannot be reached UNAVAILABLE, with nothing stored.
public struct MediationHandler: MediationV1.Mediation.Handler {
    let store: DisputeStore
    let registry: RegistryGateway

    /// - Parameters:
    ///   - cipher: seals parties' names, ID numbers and phone numbers (the registry's keys).
    ///   - schedule: the follow-up visits an agreement schedules (`FENGQIAO_MEDIATION_FOLLOW_UP_DAYS`).
    public init(pool: PostgresPool, cipher: PersonalDataCipher, registry: RegistryGateway, schedule: FollowUpSchedule = .standard) {
        self.store = DisputeStore(pool: pool, cipher: cipher, schedule: schedule)
        self.registry = registry
    }

    // MARK: Who may touch which dispute

    /// Refuses, as if it did not exist, a dispute of another station, or one a mediator is not assigned to.
    static func allow(_ caller: Caller?, field: String = "dispute_id") -> (DisputeState) throws -> Void {
        { state in try check(caller, station: state.stationID, mediators: state.mediatorIDs, field: field) }
    }

    /// The same check on a dispute as answered.
    static func visible(_ dispute: MediationV1.Dispute, to caller: Caller?, field: String) throws {
        let mediators = dispute.assignment.map { [$0.leadPersonID] + $0.coMediators.map(\.personID) } ?? []
        try check(caller, station: dispute.stationID, mediators: mediators, field: field)
    }

    private static func check(_ caller: Caller?, station: Int64, mediators: [Int64], field: String) throws {
        guard let caller else { return }
        if let confined = caller.confinedStation, confined != station { throw MediationError.disputeNotFound(field: field) }
        if caller.role == .mediator, !mediators.contains(caller.personID ?? 0) { throw MediationError.disputeNotFound(field: field) }
    }

    func actor(_ context: ServerContext) -> DisputeStore.Actor {
        DisputeStore.Actor(personID: context.caller?.personID)
    }

    /// A dispute the caller may see.
    func visibleDispute(_ id: Int64, context: ServerContext, field: String = "dispute_id") async throws -> MediationV1.Dispute {
        guard let dispute = try await store.dispute(id) else { throw MediationError.disputeNotFound(field: field) }
        try Self.visible(dispute, to: context.caller, field: field)
        return dispute
    }

    // MARK: Filing

    public func fileDispute(_ request: MediationV1.FileDisputeRequest, context: ServerContext) async throws -> MediationV1.Dispute {
        let caller = context.caller
        if caller?.role == .patrolMember, caller?.relayedBy == nil {
            throw RPCError(.permissionDenied, "patrol members file disputes through the patrol service")
        }
        var check = Validation()
        let key = check.text(request.idempotencyKey, field: "idempotency_key", maxLength: 64)
        check.known(request.source, field: "source")
        check.known(request.category, field: "category")
        if request.parties.isEmpty || request.parties.count > 20 { check.fail("parties", "must name 1 to 20 parties") }
        if !request.parties.isEmpty, !request.parties.contains(where: { $0.role == .applicant }) {
            check.fail("parties", "must name at least one applicant")
        }
        var parties: [PartyRecord] = []
        for (index, party) in request.parties.enumerated() {
            let field = "parties[\(index)]"
            let name = check.text(party.name, field: field + ".name", maxLength: 50)
            check.known(party.role, field: field + ".role")
            var phone: String?
            if !party.phone.trimmingWhitespace().isEmpty {
                phone = PersonalDataKind.phone.normalise(party.phone)
                if phone == nil { check.fail(field + ".phone", "must be a mainland mobile number: 11 digits starting with 1") }
            }
            var nationalID: String?
            if !party.nationalID.trimmingWhitespace().isEmpty {
                nationalID = PersonalDataKind.nationalID.normalise(party.nationalID)
                if nationalID == nil { check.fail(field + ".national_id", "must be an 18-character citizen ID number with a valid check character") }
            }
            check.id(party.residentID, field: field + ".resident_id", required: false)
            check.id(party.personID, field: field + ".person_id", required: false)
            parties.append(PartyRecord(
                name: name, role: party.role, phone: phone, nationalID: nationalID, residentID: party.residentID == 0 ? nil : party.residentID,
                personID: party.personID == 0 ? nil : party.personID))
        }
        check.id(request.communityID, field: "community_id")
        check.id(request.gridID, field: "grid_id", required: false)
        let description = check.text(request.description, field: "description", maxLength: 2000, multiline: true)
        check.range(request.peopleInvolved, 1...100_000, field: "people_involved")
        if request.peopleInvolved > 0, Int(request.peopleInvolved) < request.parties.count {
            check.fail("people_involved", "must be at least the number of parties (\(request.parties.count))")
        }
        var flags: [RiskFlag] = []
        for (index, flag) in request.riskFlags.enumerated() {
            if let domain = flag.domain {
                if flags.contains(domain) { check.fail("risk_flags[\(index)]", "names a flag twice") } else { flags.append(domain) }
            } else {
                check.fail("risk_flags[\(index)]", "is not a risk flag")
            }
        }
        let now = DisputeStore.now()
        if request.reportedAtMs > now + 60_000 { check.fail("reported_at_ms", "must not be in the future") }
        if request.reportedAtMs < 0 { check.fail("reported_at_ms", "must be a Unix time in milliseconds, or 0 for now") }
        check.id(request.reportedByPersonID, field: "reported_by_person_id", required: false)
        let reporterName = check.text(request.reportedByName, field: "reported_by_name", maxLength: 50, required: false)
        if request.reportedByPersonID != 0, !reporterName.isEmpty {
            check.fail("reported_by_name", "is for a reporter who is not a registry person; give one of the two")
        }
        var handling = HandlingLevel.onSite
        if request.handlingLevel != .unspecified {
            if let level = request.handlingLevel.domain, HandlingLevel.filingLevels.contains(level) {
                handling = level
            } else {
                check.fail("handling_level", "a dispute is filed on-site, at a workstation or at the mediation centre")
            }
        }
        check.id(request.relatedDisputeID, field: "related_dispute_id", required: false)
        try check.finish()

        let reportedByPerson = request.reportedByPersonID != 0 ? request.reportedByPersonID : (reporterName.isEmpty ? caller?.personID : nil)
        if reportedByPerson == nil, reporterName.isEmpty {
            throw RPCError.invalidArgument("a caller without a person names the reporter", field: "reported_by_name")
        }

        // What the registry knows of the places and people named.
        let community = try await unit(request.communityID, field: "community_id", context: context)
        guard [.community, .village, .compound, .scenicArea].contains(community.kind) else {
            throw MediationError.precondition(
                "community_id must be a community, village, compound or scenic area, not a \(community.kind.shortName ?? "unit")",
                field: "community_id")
        }
        if request.gridID != 0 {
            let grid = try await unit(request.gridID, field: "grid_id", context: context)
            guard grid.kind == .grid, grid.stationID == community.stationID else {
                throw MediationError.precondition("grid_id must be a grid of the community's station", field: "grid_id")
            }
        }
        let path = try await registry.unitPath(community, context: context)
        let residentIDs = parties.compactMap(\.residentID)
        let ties = try await registry.householdTies(personIDs: [], residentIDs: Array(Set(residentIDs)).sorted(), context: context)
        for (index, party) in parties.enumerated() {
            guard let residentID = party.residentID else { continue }
            guard let tie = ties.first(where: { $0.residentID == residentID }), tie.stationID == community.stationID else {
                throw MediationError.notFound("resident of the dispute's station", field: "parties[\(index)].resident_id")
            }
            parties[index].householdID = tie.householdID == 0 ? nil : tie.householdID
        }
        for (index, party) in parties.enumerated() {
            if let personID = party.personID { _ = try await person(personID, field: "parties[\(index)].person_id", context: context) }
        }
        if request.reportedByPersonID != 0 {
            _ = try await person(request.reportedByPersonID, field: "reported_by_person_id", context: context)
        }

        let filing = DisputeStore.Filing(
            idempotencyKey: key, digest: Data(SHA256.hash(data: try request.serializedBytes())), stationID: community.stationID,
            communityID: community.id, unitPath: path, gridID: request.gridID == 0 ? nil : request.gridID, source: request.source,
            category: request.category.domain ?? .other, description: description, peopleInvolved: Int(request.peopleInvolved),
            riskFlags: flags, reportedAt: request.reportedAtMs == 0 ? now : request.reportedAtMs, reportedByPersonID: reportedByPerson,
            reportedByName: reporterName, filedByPersonID: caller?.personID, filedByCredentialID: caller?.credentialID ?? 0,
            handlingLevel: handling, relatedDisputeID: request.relatedDisputeID == 0 ? nil : request.relatedDisputeID, parties: parties)
        let filed = try await store.file(filing)
        context.noteForAudit(filed.created ? "filed dispute:\(filed.id)" : "repeated filing of dispute:\(filed.id)")
        return try await visibleDispute(filed.id, context: context, field: "idempotency_key")
    }

    /// A unit the registry knows, or NOT_FOUND on `field`.
    func unit(_ id: Int64, field: String, context: ServerContext) async throws -> RegistryV1.Unit {
        do {
            return try await registry.unit(id, context: context, caller: context.caller)
        } catch let error as RPCError where error.code == .notFound {
            throw MediationError.notFound("unit", field: field)
        }
    }

    /// A person the registry knows, or NOT_FOUND on `field`.
    func person(_ id: Int64, field: String, context: ServerContext) async throws -> RegistryV1.Person {
        do {
            return try await registry.person(id, context: context, caller: context.caller)
        } catch let error as RPCError where error.code == .notFound {
            throw MediationError.notFound("person", field: field)
        }
    }

    // MARK: Reading

    public func getDispute(_ request: MediationV1.GetDisputeRequest, context: ServerContext) async throws -> MediationV1.GetDisputeResponse {
        var check = Validation()
        check.id(request.id, field: "id")
        try check.finish()
        let dispute = try await visibleDispute(request.id, context: context, field: "id")
        return MediationV1.GetDisputeResponse(dispute: dispute, history: try await store.history(request.id))
    }

    /// The store's query for a filter, confined to the caller.
    func query(_ filter: MediationV1.DisputeFilter?, context: ServerContext, check: inout Validation) throws -> DisputeQuery {
        let filter = filter ?? .init()
        var query = DisputeQuery(now: DisputeStore.now())
        check.id(filter.stationID, field: "filter.station_id", required: false)
        check.id(filter.unitID, field: "filter.unit_id", required: false)
        check.id(filter.mediatorPersonID, field: "filter.mediator_person_id", required: false)
        query.stationID = filter.stationID
        query.unitID = filter.unitID
        for (index, stage) in filter.stages.enumerated() {
            if let domain = stage.domain { query.stages.append(domain.rawValue) } else { check.fail("filter.stages[\(index)]", "is not a stage") }
        }
        for (index, level) in filter.levels.enumerated() where !(1...5).contains(level) {
            check.fail("filter.levels[\(index)]", "must be between 1 and 5")
        }
        query.levels = filter.levels
        for (index, category) in filter.categories.enumerated() {
            if let domain = category.domain { query.categories.append(domain.rawValue) } else { check.fail("filter.categories[\(index)]", "is not a category") }
        }
        query.mediatorPersonID = filter.mediatorPersonID
        if filter.reportedSinceMs < 0 { check.fail("filter.reported_since_ms", "must not be negative") }
        if filter.reportedUntilMs < 0 { check.fail("filter.reported_until_ms", "must not be negative") }
        query.reportedSince = filter.reportedSinceMs == 0 ? nil : filter.reportedSinceMs
        query.reportedUntil = filter.reportedUntilMs == 0 ? nil : filter.reportedUntilMs
        query.overdueOnly = filter.overdueOnly
        query.escalatedOnly = filter.escalatedBeyondStationOnly
        try confine(&query, context: context)
        return query
    }

    /// Narrows a query to what the caller may see: its station, and for a mediator their own disputes.
    func confine(_ query: inout DisputeQuery, context: ServerContext) throws {
        guard let caller = context.caller else { return }
        if let station = caller.confinedStation { query.stationID = station }
        if caller.role == .mediator {
            let own = caller.personID ?? -1
            if query.mediatorPersonID != 0, query.mediatorPersonID != own {
                throw RPCError(
                    .permissionDenied, "a mediator lists only the disputes they mediate",
                    fieldViolations: [.init(field: "filter.mediator_person_id", description: "another mediator")])
            }
            query.mediatorPersonID = own
        }
    }

    public func listDisputes(_ request: MediationV1.ListDisputesRequest, context: ServerContext) async throws -> MediationV1.ListDisputesResponse {
        var check = Validation()
        let query = try query(request.filter, context: context, check: &check)
        let page = check.page(request.page)
        try check.finish()
        let result = try await store.list(query, page: page)
        return MediationV1.ListDisputesResponse(disputes: result.disputes, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    public func exportDisputes(
        _ request: MediationV1.ExportDisputesRequest, writer: ServerStreamWriter<MediationV1.Dispute>, context: ServerContext
    ) async throws {
        var check = Validation()
        let query = try query(request.filter, context: context, check: &check)
        try check.finish()
        var count = 0
        try await store.export(query) { dispute in
            try await writer.write(dispute)
            count += 1
        }
        context.noteForAudit("exported \(count) disputes")
    }

    public func listOverdueDisputes(
        _ request: MediationV1.ListOverdueDisputesRequest, context: ServerContext
    ) async throws -> MediationV1.ListOverdueDisputesResponse {
        var check = Validation()
        check.id(request.stationID, field: "station_id", required: false)
        check.id(request.unitID, field: "unit_id", required: false)
        if request.asOfMs < 0 { check.fail("as_of_ms", "must not be negative") }
        var pageRequest = request.page
        pageRequest?.pageToken = ""  // the overdue list's tokens are its own (`OverdueToken`)
        let bounds = check.page(pageRequest)
        var token: OverdueToken?
        if let text = request.page?.pageToken, !text.isEmpty {
            token = OverdueToken(text: text)
            if token == nil { check.fail("page.page_token", "is not a token this service issued") }
        }
        try check.finish()
        var query = DisputeQuery(stationID: request.stationID, unitID: request.unitID, now: request.asOfMs == 0 ? DisputeStore.now() : request.asOfMs)
        try confine(&query, context: context)
        let result = try await store.overdue(query, size: bounds.size, after: token)
        return MediationV1.ListOverdueDisputesResponse(
            disputes: result.disputes, page: CommonV1.PageResponse(nextPageToken: result.next?.text ?? ""))
    }
}
