/// Where a dispute stands, as `fengqiao.mediation.v1.DisputeStage` lists it.
///
/// Screening (排查) → intervention (介入) → joint mediation (联调) → agreed or failed → review (评晒)
/// → follow-up (回访) → closed, after the practice of 临泽县平川派出所 ("完善排查、介入、联调、评晒、
/// 回访机制"). Which moves are legal is in `DisputeStage+Moves.swift`; which stages allow
/// escalation in `Escalation`; how long each may take in `StageTimeLimits`. The raw values are the
/// generated enum's short names.
public enum DisputeStage: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// 排查: found and being looked into.
    case screening = "screening"
    /// 介入: a mediator has stepped in.
    case intervention = "intervention"
    /// 联调: joint mediation with other forces.
    case jointMediation = "joint_mediation"
    /// 达成协议: the parties signed an agreement.
    case agreed = "agreed"
    /// 调解不成: mediation failed.
    case failed = "failed"
    /// 评晒: the outcome is reviewed and made known.
    case review = "review"
    /// 回访: visits check that the agreement holds.
    case followUp = "follow_up"
    /// 结案: nothing more to do.
    case closed = "closed"

    /// The stages in which the dispute is still being mediated: screening, intervention and joint
    /// mediation. Mediation can fail in any of them.
    public var isActive: Bool {
        switch self {
        case .screening, .intervention, .jointMediation: true
        case .agreed, .failed, .review, .followUp, .closed: false
        }
    }

    /// The Chinese term, e.g. `联调`.
    public var chineseName: String {
        switch self {
        case .screening: "排查"
        case .intervention: "介入"
        case .jointMediation: "联调"
        case .agreed: "达成协议"
        case .failed: "调解不成"
        case .review: "评晒"
        case .followUp: "回访"
        case .closed: "结案"
        }
    }

    /// The English name used in messages, e.g. `joint mediation`.
    public var description: String {
        switch self {
        case .screening: "screening"
        case .intervention: "intervention"
        case .jointMediation: "joint mediation"
        case .agreed: "agreed"
        case .failed: "failed"
        case .review: "review"
        case .followUp: "follow-up"
        case .closed: "closed"
        }
    }
}
