/// The call that makes a stage move.
public enum StageMoveCall: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// `AdvanceStage`: the ordinary moves.
    case advanceStage = "AdvanceStage"
    /// `RecordAgreement`: into agreed.
    case recordAgreement = "RecordAgreement"
    /// `RecordFailure`: into failed.
    case recordFailure = "RecordFailure"
    /// `RecordFollowUp` with a relapse that reopens the dispute: back to intervention.
    case recordFollowUp = "RecordFollowUp"

    /// The call's name, e.g. `RecordAgreement`.
    public var description: String { rawValue }
}

/// How a dispute's mediation ended, as far as the stage moves after review care.
public enum DisputeOutcome: Hashable, Sendable {
    /// The parties signed an agreement (and no relapse reopened the dispute since).
    case agreement
    /// Mediation failed.
    case failure
}

/// One legal move: from a stage to another, by a call, when a condition holds.
public struct StageMoveRule: Hashable, Sendable {
    /// What must hold besides the stages.
    public enum Condition: Hashable, Sendable {
        /// Nothing more.
        case none
        /// The dispute's outcome is an agreement.
        case agreement
        /// The dispute's outcome is a failure.
        case failure
        /// No follow-up visit is pending.
        case noVisitPending
    }

    public var from: DisputeStage
    public var to: DisputeStage
    public var call: StageMoveCall
    public var condition: Condition

    public init(_ from: DisputeStage, _ to: DisputeStage, by call: StageMoveCall, when condition: Condition = .none) {
        self.from = from
        self.to = to
        self.call = call
        self.condition = condition
    }
}

extension DisputeStage {
    /// Every legal move; any move not listed is refused.
    ///
    /// | from | to | call | only when |
    /// | --- | --- | --- | --- |
    /// | screening | intervention | AdvanceStage | |
    /// | screening | failed | RecordFailure | |
    /// | intervention | joint mediation | AdvanceStage | |
    /// | intervention | agreed | RecordAgreement | |
    /// | intervention | failed | RecordFailure | |
    /// | joint mediation | agreed | RecordAgreement | |
    /// | joint mediation | failed | RecordFailure | |
    /// | agreed | review | AdvanceStage | |
    /// | agreed | intervention | RecordFollowUp (a relapse, reopened) | |
    /// | failed | review | AdvanceStage | |
    /// | review | follow-up | AdvanceStage | the outcome is an agreement |
    /// | review | closed | AdvanceStage | the outcome is a failure |
    /// | review | intervention | RecordFollowUp (a relapse, reopened) | the outcome is an agreement |
    /// | follow-up | closed | AdvanceStage | no follow-up visit is pending |
    /// | follow-up | intervention | RecordFollowUp (a relapse, reopened) | |
    ///
    /// So mediation fails from any active stage; an agreement needs a mediator to have stepped in
    /// (intervention or joint mediation), and joint mediation may be skipped when the dispute is
    /// settled at intervention; a failed dispute is reviewed and closed with no follow-up; a
    /// relapse found on a follow-up visit reopens the dispute at intervention, whether the dispute
    /// is still in agreed or review or already in follow-up; closed is final.
    public static let moves: [StageMoveRule] = [
        StageMoveRule(.screening, .intervention, by: .advanceStage),
        StageMoveRule(.screening, .failed, by: .recordFailure),
        StageMoveRule(.intervention, .jointMediation, by: .advanceStage),
        StageMoveRule(.intervention, .agreed, by: .recordAgreement),
        StageMoveRule(.intervention, .failed, by: .recordFailure),
        StageMoveRule(.jointMediation, .agreed, by: .recordAgreement),
        StageMoveRule(.jointMediation, .failed, by: .recordFailure),
        StageMoveRule(.agreed, .review, by: .advanceStage),
        StageMoveRule(.agreed, .intervention, by: .recordFollowUp),
        StageMoveRule(.failed, .review, by: .advanceStage),
        StageMoveRule(.review, .followUp, by: .advanceStage, when: .agreement),
        StageMoveRule(.review, .closed, by: .advanceStage, when: .failure),
        StageMoveRule(.review, .intervention, by: .recordFollowUp, when: .agreement),
        StageMoveRule(.followUp, .closed, by: .advanceStage, when: .noVisitPending),
        StageMoveRule(.followUp, .intervention, by: .recordFollowUp),
    ]

    /// The stages a dispute in this stage may move to, in table order.
    public var nextStages: [DisputeStage] {
        Self.moves.filter { $0.from == self }.map(\.to)
    }

    /// Whether a move is legal; `checkMove(to:by:outcome:pendingFollowUps:)` says why not.
    public func canMove(
        to requested: DisputeStage, by call: StageMoveCall, outcome: DisputeOutcome? = nil, pendingFollowUps: Int = 0
    ) -> Bool {
        refusal(to: requested, by: call, outcome: outcome, pendingFollowUps: pendingFollowUps) == nil
    }

    /// Checks a move against `moves`.
    ///
    /// ```swift
    /// try DisputeStage.screening.checkMove(to: .intervention, by: .advanceStage)   // legal
    /// try DisputeStage.jointMediation.checkMove(to: .followUp, by: .advanceStage)
    /// // throws: cannot move a dispute from joint mediation to follow-up; from joint mediation
    /// //         it goes to agreed or failed
    /// ```
    /// - Parameters:
    ///   - outcome: the dispute's outcome, for moves out of review.
    ///   - pendingFollowUps: follow-up visits scheduled and neither made nor cancelled, for closing.
    /// - Throws: `MediationRuleViolation` (rule `stageMove`, field `stage`) whose message names the
    ///   current and the requested stage.
    public func checkMove(
        to requested: DisputeStage, by call: StageMoveCall, outcome: DisputeOutcome? = nil, pendingFollowUps: Int = 0
    ) throws(MediationRuleViolation) {
        if let message = refusal(to: requested, by: call, outcome: outcome, pendingFollowUps: pendingFollowUps) {
            throw MediationRuleViolation(.stageMove, field: "stage", message)
        }
    }

    private func refusal(
        to requested: DisputeStage, by call: StageMoveCall, outcome: DisputeOutcome?, pendingFollowUps: Int
    ) -> String? {
        let move = "cannot move a dispute from \(self) to \(requested)"
        if requested == self {
            return "\(move): it is already there"
        }
        if self == .closed {
            return "\(move): a closed dispute stays closed (file a new dispute and link it)"
        }
        guard let rule = Self.moves.first(where: { $0.from == self && $0.to == requested }) else {
            return "\(move); from \(self) it goes to \(Self.list(nextStages))"
        }
        if rule.call != call {
            return "\(move) with \(call); \(rule.call) makes that move"
        }
        switch rule.condition {
        case .none:
            return nil
        case .agreement:
            if outcome == .agreement { return nil }
            return requested == .followUp
                ? "\(move): only a dispute with an agreement is followed up"
                : "\(move): only a dispute with an agreement is reopened after a relapse"
        case .failure:
            switch outcome {
            case .failure: return nil
            case .agreement: return "\(move): a dispute with an agreement is followed up before it closes"
            case nil: return "\(move): it has no outcome recorded"
            }
        case .noVisitPending:
            if pendingFollowUps <= 0 { return nil }
            let visits = pendingFollowUps == 1 ? "1 follow-up visit is" : "\(pendingFollowUps) follow-up visits are"
            return "\(move): \(visits) still pending"
        }
    }

    /// `a`, `a or b`, `a, b or c`.
    private static func list(_ stages: [DisputeStage]) -> String {
        let names = stages.map(\.description)
        guard let last = names.last else { return "nowhere" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " or " + last
    }
}
