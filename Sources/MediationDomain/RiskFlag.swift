/// A risk the filer or a grader sees in a dispute, as `fengqiao.mediation.v1.RiskFlag` lists it.
///
/// Each flag raises the suggested level (see `Grading`). The raw values are the generated enum's
/// short names.
public enum RiskFlag: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// 群体性事件风险: many people may gather or act together.
    case massIncident = "mass_incident"
    /// 暴力或"民转刑"风险: violence, or a civil dispute turning criminal.
    case violence = "violence"
    /// 弱势当事人: a party who is elderly, a minor, disabled, pregnant or otherwise vulnerable.
    case vulnerableParty = "vulnerable_party"

    /// The short name, e.g. `mass_incident`.
    public var description: String { rawValue }
}
