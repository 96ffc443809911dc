/// A request that the dispute's state does not allow: an illegal stage move, an escalation that
/// is not upward, a lead whose tier does not fit, a mediator with a conflict of interest.
///
/// The mediation service answers it as FAILED_PRECONDITION with `message` and `field`. The message
/// names stages, levels, tiers and request fields, never personal data.
public struct MediationRuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which rule table refused the request.
    public enum Rule: String, Hashable, Sendable {
        /// `DisputeStage` moves.
        case stageMove = "stage_move"
        /// `Escalation`.
        case escalation = "escalation"
        /// `TierFit`.
        case tierFit = "tier_fit"
        /// `ConflictOfInterest`.
        case conflictOfInterest = "conflict_of_interest"
    }

    /// The rule table.
    public var rule: Rule
    /// The request field at fault, e.g. `stage`.
    public var field: String
    /// What is wrong, for people, e.g. `cannot move a dispute from screening to review; …`.
    public var message: String

    public init(_ rule: Rule, field: String, _ message: String) {
        self.rule = rule
        self.field = field
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
