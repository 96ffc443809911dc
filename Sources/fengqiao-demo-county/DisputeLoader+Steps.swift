import FengqiaoMessages
import FengqiaoRPC

/// One step of a planned dispute as a call to the mediation service, passing back the version it
/// answered last and the time the step happened.
extension DisputeLoader {
    mutating func perform(_ timed: Plan.Timed, on dispute: MediationV1.Dispute, options: CallOptions) async throws -> MediationV1.Dispute {
        let id = dispute.id
        let version = dispute.version
        switch timed.step {
        case .regrade(let level, let reason):
            report.created("grades set by hand")
            return try await mediation.gradeDispute(
                .init(disputeID: id, expectedVersion: version, overrideLevel: level, overrideReason: reason, occurredAtMs: timed.at), options)

        case .assign(let overrideReason):
            let candidates = try await mediation.listMediatorCandidates(.init(disputeID: id, limit: 20), options).candidates
            var lead = candidates.first { $0.tierFits } ?? candidates.first
            var reason = ""
            if let overrideReason, let unfitting = candidates.first(where: { !$0.tierFits }) {
                lead = unfitting
                reason = overrideReason
                report.created("leads assigned over their tier")
            } else if lead?.tierFits == false {
                reason = "本所暂无符合等级的调解员，由所长指定"
            }
            guard let lead, let mediator = lead.mediator else { throw RPCError(.failedPrecondition, "no mediator candidates") }
            report.created("assignments")
            return try await mediation.assignMediator(
                .init(disputeID: id, expectedVersion: version, leadPersonID: mediator.personID, tierOverrideReason: reason,
                      note: Self.assignmentNote(mediator.force), occurredAtMs: timed.at),
                options)

        case .assignJoint(let count):
            let candidates = try await mediation.listMediatorCandidates(.init(disputeID: id, limit: 20), options).candidates
            let current = dispute.assignment?.leadPersonID ?? 0
            guard let lead = candidates.first(where: { $0.mediator?.personID == current }) ?? candidates.first(where: \.tierFits) ?? candidates.first,
                let leadID = lead.mediator?.personID
            else { throw RPCError(.failedPrecondition, "no mediator candidates") }
            let community = dispute.communityID
            let coMediators = candidates.compactMap(\.mediator).filter { $0.personID != leadID }.prefix(count).map { mediator in
                MediationV1.CoMediatorInput(
                    personID: mediator.personID, role: mediator.force == .unspecified ? .other : mediator.force,
                    organisation: organisation(of: mediator.force, station: dispute.stationID, community: community))
            }
            report.created("assignments")
            return try await mediation.assignMediator(
                .init(disputeID: id, expectedVersion: version, leadPersonID: leadID, coMediators: Array(coMediators),
                      tierOverrideReason: lead.tierFits ? "" : DisputeTexts.tierOverride, note: "联调：增加协同调解员",
                      occurredAtMs: timed.at),
                options)

        case .advance(let stage, let note):
            report.created("stage moves")
            return try await mediation.advanceStage(
                .init(disputeID: id, expectedVersion: version, stage: stage, note: note, occurredAtMs: timed.at), options)

        case .escalate(let level, let departments, let other, let reason):
            report.created(level == .litigation ? "escalations to litigation" : "escalations")
            return try await mediation.escalateDispute(
                .init(disputeID: id, expectedVersion: version, toLevel: level, departments: departments, otherDepartment: other,
                      reason: reason, occurredAtMs: timed.at),
                options)

        case .agree(let terms):
            report.created("agreements")
            return try await mediation.recordAgreement(
                .init(disputeID: id, expectedVersion: version, terms: terms, consentingPartyIDs: dispute.parties.map(\.id),
                      signedAtMs: timed.at),
                options)

        case .fail(let reason, let detail):
            report.created("failures")
            return try await mediation.recordFailure(
                .init(disputeID: id, expectedVersion: version, reason: reason, detail: detail, occurredAtMs: timed.at), options)

        case .visit(let relapsed, let note):
            let history = try await mediation.getDispute(.init(id: id), options).history ?? .init()
            let pending = history.followUps.filter { $0.result == .unspecified && !$0.cancelled }
            guard let visit = pending.min(by: { Self.day($0) < Self.day($1) || (Self.day($0) == Self.day($1) && $0.id < $1.id) }) else {
                throw RPCError(.failedPrecondition, "no follow-up visit pending")
            }
            report.created(relapsed ? "follow-up visits (relapsed, reopened)" : "follow-up visits")
            return try await mediation.recordFollowUp(
                .init(disputeID: id, expectedVersion: version, followUpID: visit.id, result: relapsed ? .relapsed : .stable,
                      visitedByPersonID: dispute.assignment?.leadPersonID ?? 0, visitedAtMs: timed.at, note: note,
                      relapseAction: relapsed ? .reopen : .unspecified),
                options)
        }
    }

    static func day(_ visit: MediationV1.FollowUp) -> Int {
        guard let date = visit.dueDate else { return .max }
        return Int(date.year) * 10_000 + Int(date.month) * 100 + Int(date.day)
    }

    static func assignmentNote(_ force: RegistryV1.MediationForce) -> String {
        switch force {
        case .police: "民警主持调解"
        case .fiveElders: "五老调解队介入"
        case .judicial: "老法官介入调解"
        case .lawyer: "律师参与调解，释法说理"
        case .peoplesMediator: "人民调解员介入"
        default: "调解员介入"
        }
    }

    /// The organisation a co-mediator brings to joint mediation.
    func organisation(of force: RegistryV1.MediationForce, station: Int64, community: Int64) -> String {
        let stationName = units.values.first { $0.id == station }?.name ?? ""
        let town = String(stationName.dropLast(3))
        let place = units.values.first { $0.id == community }?.name ?? ""
        switch force {
        case .police: return stationName
        case .judicial: return town + "人民法庭"
        case .lawyer: return "青山县法律援助中心"
        case .fiveElders: return town + "五老调解队"
        case .peoplesMediator: return place + "人民调解委员会"
        default: return ""
        }
    }
}
