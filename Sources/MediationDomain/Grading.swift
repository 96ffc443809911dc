/// Suggests a dispute's level from the facts known at filing or at a later grading.
///
/// The five levels, graded by the nature, cause and difficulty of a dispute, follow 临泽县平川派出所
/// (seed report 002: "根据辖区纠纷特点、事发因素、难易程度等将矛盾纠纷分为五个等级"), which does not
/// publish its criteria; the rules below make them explicit. Each rule that applies asks for a
/// least level; the suggested level is the highest of them, or 1 when none applies:
///
/// | code | applies when | least level | source |
/// | --- | --- | --- | --- |
/// | `people_5` | 5 to 9 people involved | 2 | |
/// | `people_10` | 10 to 29 people involved | 3 | |
/// | `people_30` | 30 to 49 people involved | 4 | 000: a homestead dispute, 30+ people called in |
/// | `people_50` | 50 or more people involved | 5 | |
/// | `land_and_homestead` | category land and homestead boundary | 2 | 000 |
/// | `labour_and_work_injury` | category labour and work injury | 3 | 001: a fatal fall on a site, 3 days at the centre |
/// | `medical` | category medical | 3 | 001: a station's own method for doctor–patient disputes |
/// | `vulnerable_party` | a vulnerable party | 3 | |
/// | `repeat_180_days` | the same parties had a dispute reported in the 180 days before | 3 | |
/// | `mass_incident` | risk of a mass incident | 4 | 000 |
/// | `violence` | risk of violence or of "civil to criminal" (民转刑) | 4 | 002: no 民转刑 case in years |
/// | `mass_incident_and_violence` | both of the two above | 5 | 000: "群殴事件一触即发" |
/// | `violence_and_vulnerable_party` | risk of violence and a vulnerable party | 5 | |
/// | `base` | no other rule applies | 1 | |
///
/// The people bands do not overlap, so at most one of them applies. The reasons of an answer are
/// the rules that applied, in table order, whether or not each decided the level.
///
/// ```swift
/// let grade = Grading.suggest(.init(peopleInvolved: 32, riskFlags: [.massIncident, .violence],
///                                   category: .landAndHomestead, repeatWithin180Days: false))
/// grade.level                 // .five
/// grade.reasons.map(\.code)   // people_30, land_and_homestead, mass_incident, violence, mass_incident_and_violence
/// ```
public enum Grading {
    /// What the rules look at.
    public struct Facts: Hashable, Sendable {
        /// How many people are involved, parties and others.
        public var peopleInvolved: Int
        public var riskFlags: Set<RiskFlag>
        public var category: DisputeCategory
        /// Whether the same parties had a dispute reported in the 180 days before this one
        /// (`RepeatDispute`).
        public var repeatWithin180Days: Bool

        public init(
            peopleInvolved: Int, riskFlags: Set<RiskFlag>, category: DisputeCategory, repeatWithin180Days: Bool
        ) {
            self.peopleInvolved = peopleInvolved
            self.riskFlags = riskFlags
            self.category = category
            self.repeatWithin180Days = repeatWithin180Days
        }
    }

    /// A suggested level and why.
    public struct Suggestion: Hashable, Sendable {
        public var level: DisputeLevel
        /// The rules that applied, in table order; `[.base]` when none did.
        public var reasons: [GradingRule]
    }

    /// The suggested level and the rules that gave it.
    public static func suggest(_ facts: Facts) -> Suggestion {
        let applied = GradingRule.table.filter { $0.applies(to: facts) }
        guard let level = applied.map(\.minimumLevel).max() else {
            return Suggestion(level: GradingRule.base.minimumLevel, reasons: [.base])
        }
        return Suggestion(level: level, reasons: applied)
    }

    /// The suggested level and the rules that gave it.
    public static func suggestedLevel(
        peopleInvolved: Int, riskFlags: Set<RiskFlag>, category: DisputeCategory, repeatWithin180Days: Bool
    ) -> Suggestion {
        suggest(
            Facts(
                peopleInvolved: peopleInvolved, riskFlags: riskFlags, category: category,
                repeatWithin180Days: repeatWithin180Days))
    }
}

/// One rule of the grading table (see `Grading`).
public enum GradingRule: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case people5 = "people_5"
    case people10 = "people_10"
    case people30 = "people_30"
    case people50 = "people_50"
    case landAndHomestead = "land_and_homestead"
    case labourAndWorkInjury = "labour_and_work_injury"
    case medical = "medical"
    case vulnerableParty = "vulnerable_party"
    case repeatDispute = "repeat_180_days"
    case massIncident = "mass_incident"
    case violence = "violence"
    case massIncidentAndViolence = "mass_incident_and_violence"
    case violenceAndVulnerableParty = "violence_and_vulnerable_party"
    /// Applies when no other rule does.
    case base = "base"

    /// The rules that are checked, in table order (all but `base`).
    public static let table: [GradingRule] = allCases.filter { $0 != .base }

    /// The code in answers (`GradeReason.rule`), e.g. `people_30`.
    public var code: String { rawValue }

    /// The code.
    public var description: String { rawValue }

    /// The least level the rule asks for.
    public var minimumLevel: DisputeLevel {
        switch self {
        case .base: .one
        case .people5, .landAndHomestead: .two
        case .people10, .labourAndWorkInjury, .medical, .vulnerableParty, .repeatDispute: .three
        case .people30, .massIncident, .violence: .four
        case .people50, .massIncidentAndViolence, .violenceAndVulnerableParty: .five
        }
    }

    /// Whether the rule applies to the facts (`base` never does by itself).
    public func applies(to facts: Grading.Facts) -> Bool {
        let flags = facts.riskFlags
        switch self {
        case .people5: return (5...9).contains(facts.peopleInvolved)
        case .people10: return (10...29).contains(facts.peopleInvolved)
        case .people30: return (30...49).contains(facts.peopleInvolved)
        case .people50: return facts.peopleInvolved >= 50
        case .landAndHomestead: return facts.category == .landAndHomestead
        case .labourAndWorkInjury: return facts.category == .labourAndWorkInjury
        case .medical: return facts.category == .medical
        case .vulnerableParty: return flags.contains(.vulnerableParty)
        case .repeatDispute: return facts.repeatWithin180Days
        case .massIncident: return flags.contains(.massIncident)
        case .violence: return flags.contains(.violence)
        case .massIncidentAndViolence: return flags.isSuperset(of: [.massIncident, .violence])
        case .violenceAndVulnerableParty: return flags.isSuperset(of: [.violence, .vulnerableParty])
        case .base: return false
        }
    }

    /// Why, in Chinese, e.g. `涉及30至49人`.
    public var textZH: String {
        switch self {
        case .people5: "涉及5至9人"
        case .people10: "涉及10至29人"
        case .people30: "涉及30至49人"
        case .people50: "涉及50人以上"
        case .landAndHomestead: "土地及宅基地边界纠纷"
        case .labourAndWorkInjury: "劳动及工伤纠纷"
        case .medical: "医疗纠纷"
        case .vulnerableParty: "当事人中有弱势群体"
        case .repeatDispute: "同一当事人180日内再次发生纠纷"
        case .massIncident: "有群体性事件风险"
        case .violence: "有暴力或民转刑风险"
        case .massIncidentAndViolence: "群体性事件风险且有暴力风险"
        case .violenceAndVulnerableParty: "弱势当事人面临暴力风险"
        case .base: "一般纠纷"
        }
    }

    /// Why, in English, e.g. `30 to 49 people involved`.
    public var textEN: String {
        switch self {
        case .people5: "5 to 9 people involved"
        case .people10: "10 to 29 people involved"
        case .people30: "30 to 49 people involved"
        case .people50: "50 or more people involved"
        case .landAndHomestead: "a land or homestead boundary dispute"
        case .labourAndWorkInjury: "a labour or work-injury dispute"
        case .medical: "a medical dispute"
        case .vulnerableParty: "a vulnerable party"
        case .repeatDispute: "the same parties had a dispute in the last 180 days"
        case .massIncident: "risk of a mass incident"
        case .violence: "risk of violence or of a civil dispute turning criminal"
        case .massIncidentAndViolence: "risk of a mass incident with violence"
        case .violenceAndVulnerableParty: "risk of violence against a vulnerable party"
        case .base: "an ordinary dispute: no rule raised the level"
        }
    }
}
