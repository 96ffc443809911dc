import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import Foundation
import MediationDomain

/// A dispute's state as a change needs it, read under the row's lock.
struct DisputeState: Sendable {
    var id: Int64
    var version: Int64
    var stationID: Int64
    var communityID: Int64
    var category: DisputeCategory
    var peopleInvolved: Int
    var riskFlags: [RiskFlag]
    var level: DisputeLevel
    var stage: DisputeStage
    /// When the dispute entered its stage (for screening, when it was reported).
    var stageEnteredAt: Int64
    var reportedAt: Int64
    var handlingLevel: HandlingLevel
    var escalatedBeyondStation: Bool
    /// The lead and co-mediators of the current assignment.
    var mediatorIDs: [Int64]
    var relatedDisputeIDs: [Int64]
    /// The agreement in force: its id and when it was signed.
    var agreement: (id: Int64, signedAt: Int64)?
    var failed: Bool
    /// Follow-up visits neither made nor cancelled, earliest first.
    var pendingVisits: [(id: Int64, day: CalendarDate)]

    var outcome: DisputeOutcome? {
        if agreement != nil { return .agreement }
        return failed ? .failure : nil
    }

    /// When the dispute falls due: its stage's limit, or its earliest pending visit's day.
    var dueAt: Int64? {
        StageTimeLimits.dueAt(stage: stage, level: level, enteredAt: stageEnteredAt, pendingVisitDays: pendingVisits.map(\.day))
    }

    /// Moves the dispute to `stage` at `instant`.
    mutating func enter(_ stage: DisputeStage, at instant: Int64) {
        self.stage = stage
        stageEnteredAt = instant
    }
}

/// A party as filed, validated, before it is sealed.
struct PartyRecord: Sendable {
    var name: String
    var role: MediationV1.PartyRole
    var phone: String?
    var nationalID: String?
    var residentID: Int64?
    var personID: Int64?
    var householdID: Int64?
}

/// A co-mediator as the assignment row keeps it (`co_mediators` jsonb).
struct CoMediatorRecord: Codable, Sendable {
    var personID: Int64
    var name: String
    var role: String
    var organisation: String

    enum CodingKeys: String, CodingKey {
        case personID = "person_id"
        case name, role, organisation
    }

    var message: MediationV1.CoMediator {
        MediationV1.CoMediator(
            personID: personID, name: name, role: RegistryV1.MediationForce(shortName: role) ?? .unspecified, organisation: organisation)
    }
}

/// How a party's name is shown: its first character and 某 (`刘某`), as the field reports write it.
enum PartyName {
    static func masked(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return name.count == 1 ? "某" : String(first) + "某"
    }
}

// MARK: Rows to messages

enum DisputeRows {
    static func grade(_ row: PostgresRow) throws -> MediationV1.Grade {
        MediationV1.Grade(
            level: try row.decode(Int32.self, column: "level"),
            suggestedLevel: try row.decode(Int32.self, column: "suggested_level"),
            reasons: try row.decode([String].self, column: "reasons").compactMap(GradingRule.init(rawValue:)).map(gradeReason),
            overridden: try row.decode(Bool.self, column: "overridden"),
            overrideReason: try row.decode(String.self, column: "override_reason"),
            peopleInvolved: try row.decode(Int32.self, column: "people_involved"),
            riskFlags: try row.decode([String].self, column: "risk_flags").compactMap(RiskFlag.init(rawValue:)).map(MediationV1.RiskFlag.init),
            repeatOfDisputeID: try row.decode(Int64.self, column: "repeat_of"),
            gradedAtMs: try row.decode(Int64.self, column: "graded_at"),
            gradedByPersonID: try row.decode(Int64.self, column: "graded_by"))
    }

    static let gradeColumns = """
        level, suggested_level, reasons, overridden, override_reason, people_involved, risk_flags, coalesce(repeat_of, 0) AS repeat_of,
        mediation.ms(graded_at) AS graded_at, coalesce(graded_by_person_id, 0) AS graded_by
        """

    static func gradeReason(_ rule: GradingRule) -> MediationV1.GradeReason {
        MediationV1.GradeReason(rule: rule.code, minimumLevel: Int32(rule.minimumLevel.rawValue), textZh: rule.textZH, textEn: rule.textEN)
    }

    static func assignment(_ row: PostgresRow) throws -> MediationV1.Assignment {
        let coMediators = try JSONDecoder().decode(
            [CoMediatorRecord].self, from: Data(try row.decode(String.self, column: "co_mediators").utf8))
        return MediationV1.Assignment(
            id: try row.decode(Int64.self, column: "id"),
            leadPersonID: try row.decode(Int64.self, column: "lead_person_id"),
            leadName: try row.decode(String.self, column: "lead_name"),
            leadTier: RegistryV1.MediatorTier(shortName: try row.decode(String.self, column: "lead_tier")) ?? .unspecified,
            level: try row.decode(Int32.self, column: "level"),
            tierFits: try row.decode(Bool.self, column: "tier_fits"),
            tierOverrideReason: try row.decode(String.self, column: "tier_override_reason"),
            coMediators: coMediators.map(\.message),
            note: try row.decode(String.self, column: "note"),
            assignedAtMs: try row.decode(Int64.self, column: "assigned_at"),
            assignedByPersonID: try row.decode(Int64.self, column: "assigned_by"),
            endedAtMs: try row.decode(Int64.self, column: "ended_at"))
    }

    static let assignmentColumns = """
        id, lead_person_id, lead_name, lead_tier, level, tier_fits, tier_override_reason, co_mediators::text AS co_mediators, note,
        mediation.ms(assigned_at) AS assigned_at, coalesce(assigned_by_person_id, 0) AS assigned_by,
        coalesce(mediation.ms(ended_at), 0) AS ended_at
        """

    static func agreement(_ row: PostgresRow) throws -> MediationV1.Agreement {
        MediationV1.Agreement(
            id: try row.decode(Int64.self, column: "id"),
            terms: try row.decode(String.self, column: "terms"),
            consentingPartyIDs: try row.decode([Int64].self, column: "consenting_party_ids"),
            signedAtMs: try row.decode(Int64.self, column: "signed_at"),
            recordedAtMs: try row.decode(Int64.self, column: "recorded_at"),
            recordedByPersonID: try row.decode(Int64.self, column: "recorded_by"),
            supersededAtMs: try row.decode(Int64.self, column: "superseded_at"))
    }

    static let agreementColumns = """
        id, terms, consenting_party_ids, mediation.ms(signed_at) AS signed_at, mediation.ms(recorded_at) AS recorded_at,
        coalesce(recorded_by_person_id, 0) AS recorded_by, coalesce(mediation.ms(superseded_at), 0) AS superseded_at
        """

    static func failure(_ row: PostgresRow) throws -> MediationV1.Failure {
        MediationV1.Failure(
            reason: MediationV1.FailureReason(shortName: try row.decode(String.self, column: "reason")) ?? .unspecified,
            detail: try row.decode(String.self, column: "detail"),
            failedAtMs: try row.decode(Int64.self, column: "failed_at"),
            recordedByPersonID: try row.decode(Int64.self, column: "recorded_by"))
    }

    static let failureColumns = """
        reason, detail, mediation.ms(failed_at) AS failed_at, coalesce(recorded_by_person_id, 0) AS recorded_by
        """

    static func followUp(_ row: PostgresRow) throws -> MediationV1.FollowUp {
        let day = CalendarDate(try row.decode(String.self, column: "due_date"))
        return MediationV1.FollowUp(
            id: try row.decode(Int64.self, column: "id"),
            dueDate: day.map(CommonV1.Date.init),
            scheduledByHand: try row.decode(Bool.self, column: "scheduled_by_hand"),
            scheduledAtMs: try row.decode(Int64.self, column: "scheduled_at"),
            scheduledByPersonID: try row.decode(Int64.self, column: "scheduled_by"),
            result: try row.decode(String?.self, column: "result").flatMap(MediationV1.FollowUpResult.init(shortName:)) ?? .unspecified,
            visitedAtMs: try row.decode(Int64.self, column: "visited_at"),
            visitedByPersonID: try row.decode(Int64.self, column: "visited_by"),
            note: try row.decode(String.self, column: "note"),
            relapseAction: try row.decode(String?.self, column: "relapse_action").flatMap(MediationV1.RelapseAction.init(shortName:))
                ?? .unspecified,
            newDisputeID: try row.decode(Int64.self, column: "new_dispute_id"),
            cancelled: try row.decode(Bool.self, column: "cancelled"))
    }

    static let followUpColumns = """
        id, due_date::text AS due_date, scheduled_by_hand, mediation.ms(scheduled_at) AS scheduled_at,
        coalesce(scheduled_by_person_id, 0) AS scheduled_by, result, coalesce(mediation.ms(visited_at), 0) AS visited_at,
        coalesce(visited_by_person_id, 0) AS visited_by, note, relapse_action, coalesce(new_dispute_id, 0) AS new_dispute_id, cancelled
        """

    static func stageMove(_ row: PostgresRow) throws -> MediationV1.StageMove {
        MediationV1.StageMove(
            fromStage: MediationV1.DisputeStage(shortName: try row.decode(String.self, column: "from_stage")) ?? .unspecified,
            toStage: MediationV1.DisputeStage(shortName: try row.decode(String.self, column: "to_stage")) ?? .unspecified,
            movedAtMs: try row.decode(Int64.self, column: "moved_at"),
            movedByPersonID: try row.decode(Int64.self, column: "moved_by"),
            note: try row.decode(String.self, column: "note"),
            version: try row.decode(Int64.self, column: "version"))
    }

    static func escalation(_ row: PostgresRow) throws -> MediationV1.Escalation {
        MediationV1.Escalation(
            fromLevel: MediationV1.HandlingLevel(shortName: try row.decode(String.self, column: "from_level")) ?? .unspecified,
            toLevel: MediationV1.HandlingLevel(shortName: try row.decode(String.self, column: "to_level")) ?? .unspecified,
            departments: try row.decode([String].self, column: "departments").compactMap(MediationV1.Department.init(shortName:)),
            otherDepartment: try row.decode(String.self, column: "other_department"),
            reason: try row.decode(String.self, column: "reason"),
            beyondStation: try row.decode(Bool.self, column: "beyond_station"),
            escalatedAtMs: try row.decode(Int64.self, column: "escalated_at"),
            escalatedByPersonID: try row.decode(Int64.self, column: "escalated_by"))
    }
}
