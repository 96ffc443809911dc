import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import Foundation
import MediationDomain

/// Each change to a dispute: checked against its rules under the row lock, recorded in its history,
/// one transaction each. `allow` refuses a caller who may not touch the dispute (NOT_FOUND).
extension DisputeStore {
    /// Who made a change, and when it was recorded.
    struct Actor: Sendable {
        var personID: Int64?
    }

    func grade(
        _ id: Int64, expectedVersion: Int64, peopleInvolved: Int?, riskFlags: [RiskFlag]?, override: GradeOverride?, occurredAt: Int64?,
        by actor: Actor, allow: (DisputeState) throws -> Void
    ) async throws -> MediationV1.Dispute {
        try await change(id, expectedVersion: expectedVersion, allow: allow) { tx, state in
            if let peopleInvolved {
                let parties = try await tx.queryValue("SELECT count(*) FROM mediation.party WHERE dispute_id = \(id)", as: Int64.self)
                guard peopleInvolved >= parties else {
                    throw MediationError.precondition(
                        "people_involved must be at least the dispute's \(parties) parties", field: "people_involved")
                }
                state.peopleInvolved = peopleInvolved
            }
            if let riskFlags { state.riskFlags = riskFlags }
            let at = try Self.instant(occurredAt, notBefore: state.reportedAt, field: "occurred_at_ms")
            let repeatOf = try await tx.queryValue(
                "SELECT coalesce((SELECT repeat_of FROM mediation.grade WHERE dispute_id = \(id) ORDER BY id LIMIT 1), 0)", as: Int64.self)
            let suggestion = Grading.suggest(.init(
                peopleInvolved: state.peopleInvolved, riskFlags: Set(state.riskFlags), category: state.category,
                repeatWithin180Days: repeatOf != 0))
            state.level = Grading.levelInForce(suggestion, override: override)
            try await tx.execute(
                """
                INSERT INTO mediation.grade (dispute_id, level, suggested_level, reasons, overridden, override_reason, people_involved,
                    risk_flags, repeat_of, graded_at, graded_by_person_id)
                VALUES (\(id), \(state.level.rawValue), \(suggestion.level.rawValue), \(suggestion.reasons.map(\.code)), \(override != nil),
                    \(override?.reason ?? ""), \(state.peopleInvolved), \(state.riskFlags.map(\.rawValue)), \(repeatOf == 0 ? nil : repeatOf),
                    mediation.instant(\(at)), \(actor.personID))
                """)
        }
    }

    /// An assignment as checked by the handler (the lead among the registry's candidates, no
    /// conflict of interest); the tier is checked here against the level under the row lock.
    struct Assignment: Sendable {
        var leadPersonID: Int64
        var leadName: String
        var leadTier: MediatorTier
        var leadTierName: String
        var tierOverrideReason: String
        var coMediators: [CoMediatorRecord]
        var note: String
        /// When it was made; `nil` for now.
        var occurredAt: Int64?
    }

    func assign(
        _ id: Int64, expectedVersion: Int64, _ assignment: Assignment, by actor: Actor,
        allow: (DisputeState) throws -> Void
    ) async throws -> MediationV1.Dispute {
        try await change(id, expectedVersion: expectedVersion, allow: allow) { tx, state in
            guard state.stage.isActive else {
                throw MediationError.precondition(
                    "cannot assign mediators to a dispute in \(state.stage): only a dispute in screening, intervention or joint mediation is assigned",
                    field: "lead_person_id")
            }
            let verdict = try TierFit.check(tier: assignment.leadTier, level: state.level, overrideReason: assignment.tierOverrideReason)
            let coMediators = String(decoding: try JSONEncoder().encode(assignment.coMediators), as: UTF8.self)
            // Not before the dispute was reported, nor before the assignment it ends.
            let current = try await tx.queryFirst(
                "SELECT mediation.ms(assigned_at) AS at FROM mediation.assignment WHERE dispute_id = \(id) AND ended_at IS NULL")
            let earliest = max(state.reportedAt, try current?.decode(Int64.self, column: "at") ?? state.reportedAt)
            let at = try Self.instant(assignment.occurredAt, notBefore: earliest, field: "occurred_at_ms")
            try await tx.execute(
                "UPDATE mediation.assignment SET ended_at = mediation.instant(\(at)) WHERE dispute_id = \(id) AND ended_at IS NULL")
            try await tx.execute(
                """
                INSERT INTO mediation.assignment (dispute_id, lead_person_id, lead_name, lead_tier, level, tier_fits, tier_override_reason,
                    co_mediators, note, assigned_at, assigned_by_person_id)
                VALUES (\(id), \(assignment.leadPersonID), \(assignment.leadName), \(assignment.leadTierName), \(state.level.rawValue),
                    \(verdict == .fits), \(assignment.tierOverrideReason), \(coMediators)::jsonb, \(assignment.note),
                    mediation.instant(\(at)), \(actor.personID))
                """)
            state.mediatorIDs = [assignment.leadPersonID] + assignment.coMediators.map(\.personID)
        }
    }

    func advance(
        _ id: Int64, expectedVersion: Int64, to stage: DisputeStage, note: String, occurredAt: Int64?, by actor: Actor,
        allow: (DisputeState) throws -> Void
    ) async throws -> MediationV1.Dispute {
        try await change(id, expectedVersion: expectedVersion, allow: allow) { tx, state in
            try state.stage.checkMove(to: stage, by: .advanceStage, outcome: state.outcome, pendingFollowUps: state.pendingVisits.count)
            let at = try Self.instant(occurredAt, notBefore: state.stageEnteredAt, field: "occurred_at_ms")
            try await move(&state, to: stage, at: at, note: note, by: actor, on: tx)
        }
    }

    /// Records a stage move and enters the stage.
    private func move(
        _ state: inout DisputeState, to stage: DisputeStage, at instant: Int64, note: String, by actor: Actor, on tx: PostgresTransaction
    ) async throws {
        try await tx.execute(
            """
            INSERT INTO mediation.stage_move (dispute_id, from_stage, to_stage, moved_at, moved_by_person_id, note, version)
            VALUES (\(state.id), \(state.stage.rawValue), \(stage.rawValue), mediation.instant(\(instant)), \(actor.personID), \(note),
                \(state.version + 1))
            """)
        state.enter(stage, at: instant)
    }

    func escalate(
        _ id: Int64, expectedVersion: Int64, to level: HandlingLevel, departments: [Department], otherDepartment: String, reason: String,
        occurredAt: Int64?, by actor: Actor, allow: (DisputeState) throws -> Void
    ) async throws -> MediationV1.Dispute {
        try await change(id, expectedVersion: expectedVersion, allow: allow) { tx, state in
            try Escalation.check(stage: state.stage, from: state.handlingLevel, to: level)
            let at = try Self.instant(occurredAt, notBefore: state.reportedAt, field: "occurred_at_ms")
            try await tx.execute(
                """
                INSERT INTO mediation.escalation (dispute_id, from_level, to_level, departments, other_department, reason, beyond_station,
                    escalated_at, escalated_by_person_id)
                VALUES (\(id), \(state.handlingLevel.rawValue), \(level.rawValue), \(departments.map(\.rawValue)), \(otherDepartment),
                    \(reason), \(level.isBeyondStation), mediation.instant(\(at)), \(actor.personID))
                """)
            state.handlingLevel = level
            if level.isBeyondStation { state.escalatedBeyondStation = true }
        }
    }

    func agree(
        _ id: Int64, expectedVersion: Int64, terms: String, consentingPartyIDs: [Int64], signedAt: Int64?, by actor: Actor,
        allow: (DisputeState) throws -> Void
    ) async throws -> MediationV1.Dispute {
        try await change(id, expectedVersion: expectedVersion, allow: allow) { tx, state in
            try state.stage.checkMove(to: .agreed, by: .recordAgreement, outcome: state.outcome)
            let parties = try await tx.query("SELECT id FROM mediation.party WHERE dispute_id = \(id) ORDER BY position").map {
                try $0.decode(Int64.self, at: 0)
            }
            let missing = Set(parties).subtracting(consentingPartyIDs)
            let strangers = Set(consentingPartyIDs).subtracting(parties)
            if !strangers.isEmpty {
                throw ValidationFailure(field: 
                    "consenting_party_ids", "names \(strangers.count == 1 ? "a party" : "parties") not of this dispute: \(strangers.sorted())")
            }
            if !missing.isEmpty {
                throw ValidationFailure(field: 
                    "consenting_party_ids", "an agreement binds every party; missing \(missing.sorted().map(String.init).joined(separator: ", "))")
            }
            let at = try Self.instant(signedAt, notBefore: state.stageEnteredAt, field: "signed_at_ms")
            let agreementID = try await tx.queryValue(
                """
                INSERT INTO mediation.agreement (dispute_id, terms, consenting_party_ids, signed_at, recorded_by_person_id)
                VALUES (\(id), \(terms), \(parties), mediation.instant(\(at)), \(actor.personID)) RETURNING id
                """, as: Int64.self)
            try await move(&state, to: .agreed, at: at, note: "RecordAgreement", by: actor, on: tx)
            let signedOn = FollowUpSchedule.chinaDay(ofUnixMilliseconds: at)
            for day in schedule.visitDays(agreedOn: signedOn) {
                let visitID = try await tx.queryValue(
                    """
                    INSERT INTO mediation.follow_up (dispute_id, agreement_id, due_date, scheduled_by_hand, scheduled_by_person_id)
                    VALUES (\(id), \(agreementID), \(day.description)::date, false, \(actor.personID)) RETURNING id
                    """, as: Int64.self)
                state.pendingVisits.append((visitID, day))
            }
            state.agreement = (agreementID, at)
        }
    }

    func fail(
        _ id: Int64, expectedVersion: Int64, reason: MediationV1.FailureReason, detail: String, occurredAt: Int64?, by actor: Actor,
        allow: (DisputeState) throws -> Void
    ) async throws -> MediationV1.Dispute {
        try await change(id, expectedVersion: expectedVersion, allow: allow) { tx, state in
            try state.stage.checkMove(to: .failed, by: .recordFailure, outcome: state.outcome)
            let at = try Self.instant(occurredAt, notBefore: state.stageEnteredAt, field: "occurred_at_ms")
            try await tx.execute(
                """
                INSERT INTO mediation.failure (dispute_id, reason, detail, failed_at, recorded_by_person_id)
                VALUES (\(id), \(reason.shortName ?? ""), \(detail), mediation.instant(\(at)), \(actor.personID))
                """)
            try await move(&state, to: .failed, at: at, note: "RecordFailure", by: actor, on: tx)
            state.failed = true
        }
    }

    func scheduleFollowUp(
        _ id: Int64, expectedVersion: Int64, on day: CalendarDate, note: String, by actor: Actor, allow: (DisputeState) throws -> Void
    ) async throws -> MediationV1.Dispute {
        try await change(id, expectedVersion: expectedVersion, allow: allow) { tx, state in
            guard let agreement = state.agreement, [.agreed, .review, .followUp].contains(state.stage) else {
                throw MediationError.precondition(
                    "cannot schedule a follow-up visit of a dispute in \(state.stage): only a dispute with an agreement (in agreed, review or follow-up) is visited",
                    field: "dispute_id")
            }
            let signedOn = FollowUpSchedule.chinaDay(ofUnixMilliseconds: agreement.signedAt)
            guard FollowUpSchedule.allowsExtraVisit(on: day, agreedOn: signedOn) else {
                throw ValidationFailure(field: 
                    "due_date", "must be from the agreement's day (\(signedOn)) to 365 days after it")
            }
            let visitID = try await tx.queryValue(
                """
                INSERT INTO mediation.follow_up (dispute_id, agreement_id, due_date, scheduled_by_hand, scheduled_by_person_id, note)
                VALUES (\(id), \(agreement.id), \(day.description)::date, true, \(actor.personID), \(note)) RETURNING id
                """, as: Int64.self)
            state.pendingVisits.append((visitID, day))
            state.pendingVisits.sort { ($0.day, $0.id) < ($1.day, $1.id) }
        }
    }

    /// A visit as the handler checked it.
    struct Visit: Sendable {
        var followUpID: Int64
        var result: MediationV1.FollowUpResult
        var visitedByPersonID: Int64?
        var visitedAt: Int64?
        var note: String
        var relapseAction: MediationV1.RelapseAction
        var newDisputeID: Int64?
    }

    func recordFollowUp(
        _ id: Int64, expectedVersion: Int64, _ visit: Visit, by actor: Actor, allow: (DisputeState) throws -> Void,
        allowNewDispute: (DisputeState) throws -> Void
    ) async throws -> MediationV1.Dispute {
        try await change(id, expectedVersion: expectedVersion, allow: allow) { tx, state in
            guard [.agreed, .review, .followUp].contains(state.stage), let agreement = state.agreement else {
                throw MediationError.precondition(
                    "cannot record a follow-up visit of a dispute in \(state.stage): only a dispute with an agreement (in agreed, review or follow-up) is visited",
                    field: "dispute_id")
            }
            guard state.pendingVisits.contains(where: { $0.id == visit.followUpID }) else {
                let known = try await tx.queryFirst(
                    "SELECT 1 FROM mediation.follow_up WHERE id = \(visit.followUpID) AND dispute_id = \(id)") != nil
                if known {
                    throw MediationError.precondition("the follow-up visit was already made or cancelled", field: "follow_up_id")
                }
                throw MediationError.notFound("follow-up visit", field: "follow_up_id")
            }
            let at = try Self.instant(visit.visitedAt, notBefore: agreement.signedAt, field: "visited_at_ms")
            try await tx.execute(
                """
                UPDATE mediation.follow_up SET result = \(visit.result.shortName ?? ""), visited_at = mediation.instant(\(at)),
                    visited_by_person_id = \(visit.visitedByPersonID ?? actor.personID), note = \(visit.note),
                    relapse_action = \(visit.relapseAction == .unspecified ? nil : visit.relapseAction.shortName),
                    new_dispute_id = \(visit.newDisputeID)
                WHERE id = \(visit.followUpID)
                """)
            state.pendingVisits.removeAll { $0.id == visit.followUpID }
            guard visit.result == .relapsed else { return }
            switch visit.relapseAction {
            case .reopen:
                try state.stage.checkMove(to: .intervention, by: .recordFollowUp, outcome: state.outcome)
                try await tx.execute("UPDATE mediation.agreement SET superseded_at = now() WHERE id = \(agreement.id)")
                try await tx.execute(
                    """
                    UPDATE mediation.follow_up SET cancelled = true
                    WHERE dispute_id = \(id) AND result IS NULL AND NOT cancelled
                    """)
                state.pendingVisits = []
                state.agreement = nil
                try await move(&state, to: .intervention, at: at, note: "RecordFollowUp", by: actor, on: tx)
            default:
                guard let newID = visit.newDisputeID else { return }
                guard newID != id, var other = try await Self.state(of: newID, on: tx) else {
                    throw MediationError.disputeNotFound(field: "new_dispute_id")
                }
                try allowNewDispute(other)
                if !state.relatedDisputeIDs.contains(newID) { state.relatedDisputeIDs.append(newID) }
                if !other.relatedDisputeIDs.contains(id) {
                    other.relatedDisputeIDs.append(id)
                    try await tx.execute(
                        """
                        UPDATE mediation.dispute SET related_dispute_ids = \(other.relatedDisputeIDs), version = version + 1, updated_at = now()
                        WHERE id = \(newID)
                        """)
                }
            }
        }
    }

    /// An instant a request gives (`nil` for now): not in the future, not before `earliest`.
    static func instant(_ given: Int64?, notBefore earliest: Int64, field: String) throws -> Int64 {
        let now = Self.now()
        guard let given else { return max(now, earliest) }
        if given > now + 60_000 { throw ValidationFailure(field: field, "must not be in the future") }
        if given < earliest {
            throw MediationError.precondition("\(field) is before the dispute's last change it must follow", field: field)
        }
        return given
    }
}
