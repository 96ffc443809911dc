import FengqiaoAccess
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime
import MediationDomain

extension MediationHandler {
    /// Checks `expected_version`: a version the caller read, 1 or more.
    private func expectVersion(_ version: Int64, _ check: inout Validation) {
        if version < 1 { check.fail("expected_version", "is required: the dispute's version as last read") }
    }

    /// An instant a request may leave at 0 (now).
    private func instant(_ milliseconds: Int64, field: String, _ check: inout Validation) -> Int64? {
        if milliseconds < 0 { check.fail(field, "must be a Unix time in milliseconds, or 0 for now") }
        return milliseconds == 0 ? nil : milliseconds
    }

    public func gradeDispute(_ request: MediationV1.GradeDisputeRequest, context: ServerContext) async throws -> MediationV1.Dispute {
        var check = Validation()
        check.id(request.disputeID, field: "dispute_id")
        expectVersion(request.expectedVersion, &check)
        if let people = request.peopleInvolved { check.range(people, 1...100_000, field: "people_involved") }
        var flags: [RiskFlag]?
        if let list = request.riskFlags {
            flags = []
            for (index, flag) in list.flags.enumerated() {
                if let domain = flag.domain, !(flags?.contains(domain) ?? false) {
                    flags?.append(domain)
                } else {
                    check.fail("risk_flags.flags[\(index)]", flag.domain == nil ? "is not a risk flag" : "names a flag twice")
                }
            }
        }
        let override = check.gradeOverride(level: request.overrideLevel.map(Int.init), reason: request.overrideReason)
        let at = instant(request.occurredAtMs, field: "occurred_at_ms", &check)
        try check.finish()
        return try await store.grade(
            request.disputeID, expectedVersion: request.expectedVersion, peopleInvolved: request.peopleInvolved.map(Int.init),
            riskFlags: flags, override: override, occurredAt: at, by: actor(context), allow: Self.allow(context.caller))
    }

    public func listMediatorCandidates(
        _ request: MediationV1.ListMediatorCandidatesRequest, context: ServerContext
    ) async throws -> RegistryV1.GetMediatorCandidatesResponse {
        var check = Validation()
        check.id(request.disputeID, field: "dispute_id")
        if request.limit > 50 { check.fail("limit", "must be at most 50") }
        try check.finish()
        let dispute = try await visibleDispute(request.disputeID, context: context)
        return try await candidates(for: dispute, limit: request.limit == 0 ? 10 : request.limit, context: context)
    }

    /// The registry's candidates for a dispute, its parties left out.
    private func candidates(for dispute: MediationV1.Dispute, limit: UInt32, context: ServerContext) async throws -> RegistryV1.GetMediatorCandidatesResponse {
        try await registry.candidates(
            level: dispute.grade?.level ?? 1, category: dispute.category, communityID: dispute.communityID,
            excluded: dispute.parties.map(\.personID).filter { $0 != 0 }, limit: limit, context: context, caller: context.caller)
    }

    public func assignMediator(_ request: MediationV1.AssignMediatorRequest, context: ServerContext) async throws -> MediationV1.Dispute {
        var check = Validation()
        check.id(request.disputeID, field: "dispute_id")
        expectVersion(request.expectedVersion, &check)
        check.id(request.leadPersonID, field: "lead_person_id")
        check.coMediators(request.coMediators.map(\.personID), lead: request.leadPersonID)
        var organisations: [String] = []
        for (index, co) in request.coMediators.enumerated() {
            check.known(co.role, field: "co_mediators[\(index)].role")
            organisations.append(check.text(co.organisation, field: "co_mediators[\(index)].organisation", maxLength: 100, required: false))
        }
        let overrideReason = check.reason(request.tierOverrideReason, field: "tier_override_reason", required: false)
        let note = check.text(request.note, field: "note", maxLength: 500, required: false)
        let at = instant(request.occurredAtMs, field: "occurred_at_ms", &check)
        try check.finish()

        let dispute = try await visibleDispute(request.disputeID, context: context)
        guard dispute.version == request.expectedVersion else {
            throw MediationError.versionConflict(expected: request.expectedVersion, current: dispute.version)
        }
        // No mediator may be a party or live in a party's household.
        let mediatorIDs = [request.leadPersonID] + request.coMediators.map(\.personID)
        let ties = try await registry.householdTies(personIDs: mediatorIDs, residentIDs: [], context: context)
        let parties = dispute.parties.map { party in
            ConflictOfInterest.Party(
                personID: party.personID == 0 ? nil : party.personID, residentID: party.residentID == 0 ? nil : party.residentID,
                householdID: party.householdID == 0 ? nil : party.householdID)
        }
        for (index, personID) in mediatorIDs.enumerated() {
            let own = ties.filter { $0.personID == personID }
            let mediator = ConflictOfInterest.Mediator(
                personID: personID, residentIDs: Set(own.map(\.residentID)), householdIDs: Set(own.map(\.householdID).filter { $0 != 0 }))
            try ConflictOfInterest.check(mediator, parties: parties, field: index == 0 ? "lead_person_id" : "co_mediators[\(index - 1)].person_id")
        }
        // The lead comes from the registry's candidates for the dispute.
        let candidates = try await candidates(for: dispute, limit: 50, context: context).candidates
        guard let lead = candidates.first(where: { $0.mediator?.personID == request.leadPersonID })?.mediator,
            let tier = lead.tier.domain
        else {
            throw MediationError.precondition(
                "the lead is not among the registry's mediator candidates for this dispute (its level, category and community; see ListMediatorCandidates)",
                field: "lead_person_id")
        }
        var coMediators: [CoMediatorRecord] = []
        for (index, co) in request.coMediators.enumerated() {
            let person = try await person(co.personID, field: "co_mediators[\(index)].person_id", context: context)
            coMediators.append(CoMediatorRecord(personID: co.personID, name: person.name, role: co.role.shortName ?? "", organisation: organisations[index]))
        }
        let assigned = try await store.assign(
            request.disputeID, expectedVersion: request.expectedVersion,
            .init(
                leadPersonID: request.leadPersonID, leadName: lead.personName, leadTier: tier, leadTierName: lead.tier.shortName ?? "",
                tierOverrideReason: overrideReason, coMediators: coMediators, note: note, occurredAt: at),
            by: actor(context), allow: Self.allow(context.caller))
        await reportLoad(of: [request.leadPersonID, dispute.assignment?.leadPersonID ?? 0], context: context)
        return assigned
    }

    /// Tells the registry the open cases of the leads a change touched. The change is already made,
    /// so a registry that does not take the report costs only a log line; the next report corrects it.
    func reportLoad(of leads: [Int64], context: ServerContext) async {
        let leads = Array(Set(leads.filter { $0 != 0 }))
        guard !leads.isEmpty else { return }
        do {
            for (person, open) in try await store.openCases(ledBy: leads).sorted(by: { $0.key < $1.key }) {
                try await registry.reportLoad(personID: person, openCases: open, context: context)
            }
        } catch {
            context.logger.warning("mediator load not reported to the registry", metadata: ["error": "\(error)"])
        }
    }

    public func advanceStage(_ request: MediationV1.AdvanceStageRequest, context: ServerContext) async throws -> MediationV1.Dispute {
        var check = Validation()
        check.id(request.disputeID, field: "dispute_id")
        expectVersion(request.expectedVersion, &check)
        let stage = request.stage.domain
        if stage == nil { check.fail("stage", "is required (one of the stages in the .proto)") }
        let note = check.text(request.note, field: "note", maxLength: 500)
        let at = instant(request.occurredAtMs, field: "occurred_at_ms", &check)
        try check.finish()
        return try await store.advance(
            request.disputeID, expectedVersion: request.expectedVersion, to: stage!, note: note, occurredAt: at, by: actor(context),
            allow: Self.allow(context.caller))
    }

    public func escalateDispute(_ request: MediationV1.EscalateDisputeRequest, context: ServerContext) async throws -> MediationV1.Dispute {
        var check = Validation()
        check.id(request.disputeID, field: "dispute_id")
        expectVersion(request.expectedVersion, &check)
        let level = request.toLevel.domain
        if level == nil { check.fail("to_level", "is required (one of the handling levels in the .proto)") }
        var departments: [Department] = []
        for (index, department) in request.departments.enumerated() {
            if let domain = department.domain { departments.append(domain) } else { check.fail("departments[\(index)]", "is not a department") }
        }
        if departments.count > 5 { check.fail("departments", "must name at most 5 departments") }
        var other = ""
        if let level { other = check.escalationDepartments(departments, otherDepartment: request.otherDepartment, to: level) }
        let reason = check.reason(request.reason, field: "reason")
        let at = instant(request.occurredAtMs, field: "occurred_at_ms", &check)
        try check.finish()
        return try await store.escalate(
            request.disputeID, expectedVersion: request.expectedVersion, to: level!, departments: departments, otherDepartment: other,
            reason: reason, occurredAt: at, by: actor(context), allow: Self.allow(context.caller))
    }

    public func recordAgreement(_ request: MediationV1.RecordAgreementRequest, context: ServerContext) async throws -> MediationV1.Dispute {
        var check = Validation()
        check.id(request.disputeID, field: "dispute_id")
        expectVersion(request.expectedVersion, &check)
        let terms = check.text(request.terms, field: "terms", maxLength: 5000, multiline: true)
        if request.consentingPartyIDs.isEmpty { check.fail("consenting_party_ids", "must name every party of the dispute") }
        if Set(request.consentingPartyIDs).count != request.consentingPartyIDs.count {
            check.fail("consenting_party_ids", "must name each party once")
        }
        let at = instant(request.signedAtMs, field: "signed_at_ms", &check)
        try check.finish()
        let dispute = try await store.agree(
            request.disputeID, expectedVersion: request.expectedVersion, terms: terms, consentingPartyIDs: request.consentingPartyIDs,
            signedAt: at, by: actor(context), allow: Self.allow(context.caller))
        await reportLoad(of: [dispute.assignment?.leadPersonID ?? 0], context: context)
        return dispute
    }

    public func recordFailure(_ request: MediationV1.RecordFailureRequest, context: ServerContext) async throws -> MediationV1.Dispute {
        var check = Validation()
        check.id(request.disputeID, field: "dispute_id")
        expectVersion(request.expectedVersion, &check)
        check.known(request.reason, field: "reason")
        let detail = check.reason(request.detail, field: "detail")
        let at = instant(request.occurredAtMs, field: "occurred_at_ms", &check)
        try check.finish()
        let dispute = try await store.fail(
            request.disputeID, expectedVersion: request.expectedVersion, reason: request.reason, detail: detail, occurredAt: at,
            by: actor(context), allow: Self.allow(context.caller))
        await reportLoad(of: [dispute.assignment?.leadPersonID ?? 0], context: context)
        return dispute
    }

    public func scheduleFollowUp(_ request: MediationV1.ScheduleFollowUpRequest, context: ServerContext) async throws -> MediationV1.Dispute {
        var check = Validation()
        check.id(request.disputeID, field: "dispute_id")
        expectVersion(request.expectedVersion, &check)
        let day = check.date(request.dueDate, field: "due_date")
        if request.dueDate == nil { check.fail("due_date", "is required") }
        let note = check.text(request.note, field: "note", maxLength: 500, required: false)
        try check.finish()
        return try await store.scheduleFollowUp(
            request.disputeID, expectedVersion: request.expectedVersion, on: day!, note: note, by: actor(context),
            allow: Self.allow(context.caller))
    }

    public func recordFollowUp(_ request: MediationV1.RecordFollowUpRequest, context: ServerContext) async throws -> MediationV1.Dispute {
        var check = Validation()
        check.id(request.disputeID, field: "dispute_id")
        expectVersion(request.expectedVersion, &check)
        check.id(request.followUpID, field: "follow_up_id")
        check.known(request.result, field: "result")
        check.id(request.visitedByPersonID, field: "visited_by_person_id", required: false)
        let at = instant(request.visitedAtMs, field: "visited_at_ms", &check)
        let relapsed = request.result == .relapsed
        let note = check.text(request.note, field: "note", maxLength: 500, required: relapsed)
        if relapsed {
            check.known(request.relapseAction, field: "relapse_action")
        } else if request.relapseAction != .unspecified {
            check.fail("relapse_action", "is only for a relapse")
        }
        if request.relapseAction == .linkNewDispute {
            check.id(request.newDisputeID, field: "new_dispute_id")
        } else if request.newDisputeID != 0 {
            check.fail("new_dispute_id", "is only for a relapse linked to a new dispute")
        }
        try check.finish()
        if request.visitedByPersonID != 0 {
            _ = try await person(request.visitedByPersonID, field: "visited_by_person_id", context: context)
        }
        let dispute = try await store.recordFollowUp(
            request.disputeID, expectedVersion: request.expectedVersion,
            .init(
                followUpID: request.followUpID, result: request.result,
                visitedByPersonID: request.visitedByPersonID == 0 ? nil : request.visitedByPersonID, visitedAt: at, note: note,
                relapseAction: request.relapseAction, newDisputeID: request.newDisputeID == 0 ? nil : request.newDisputeID),
            by: actor(context), allow: Self.allow(context.caller), allowNewDispute: Self.allow(context.caller, field: "new_dispute_id"))
        if dispute.stage == .intervention { await reportLoad(of: [dispute.assignment?.leadPersonID ?? 0], context: context) }
        return dispute
    }
}
