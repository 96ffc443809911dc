/// Who handles a dispute, from the scene upward, as `fengqiao.mediation.v1.HandlingLevel` lists it.
///
/// The ladder follows 丁卯派出所 (seed report 001): the responding officer settles simple disputes
/// on the spot; what is not settled there goes to the nearest of the district's 23 "宜调解"
/// workstations, or is handed to the "宜调解" centre and its gold mediators; disputes that concern
/// other departments go to multi-department joint mediation (the court, market supervision, urban
/// management). Litigation or another channel (arbitration, an administrative ruling, letters and
/// visits) is the last rung, where mediation has ended.
///
/// | rung | level | beyond the station |
/// | --- | --- | --- |
/// | 1 | on-site (现场调处) | no |
/// | 2 | workstation (调解工作站) | no |
/// | 3 | mediation centre (调解中心) | no |
/// | 4 | multi-department joint mediation (多部门联合调解) | yes |
/// | 5 | litigation (诉讼), another channel (其他渠道) | yes |
///
/// A dispute escalated beyond the station counts against "no dispute escalated upward" (矛盾不上交),
/// one of the "five zeros" a station is judged by.
public enum HandlingLevel: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// 现场调处: the responding officer, on the spot.
    case onSite = "on_site"
    /// 调解工作站: the nearest mediation workstation.
    case workstation = "workstation"
    /// 调解中心: the mediation centre.
    case mediationCentre = "mediation_centre"
    /// 多部门联合调解: with the departments concerned.
    case multiDepartment = "multi_department"
    /// 诉讼: the parties are directed to court.
    case litigation = "litigation"
    /// 其他渠道: arbitration, an administrative ruling, letters and visits, ….
    case otherChannel = "other_channel"

    /// The level's rung on the ladder, 1 (on-site) to 5 (litigation or another channel).
    public var rung: Int {
        switch self {
        case .onSite: 1
        case .workstation: 2
        case .mediationCentre: 3
        case .multiDepartment: 4
        case .litigation, .otherChannel: 5
        }
    }

    /// Whether a dispute handled here has left the station: multi-department joint mediation,
    /// litigation or another channel.
    public var isBeyondStation: Bool { rung >= 4 }

    /// Whether the level still mediates (rungs 1 to 4); litigation and other channels do not.
    public var mediates: Bool { rung <= 4 }

    /// The levels a dispute may be filed at: on-site, workstation, mediation centre.
    public static let filingLevels: [HandlingLevel] = [.onSite, .workstation, .mediationCentre]

    /// The Chinese term, e.g. `调解中心`.
    public var chineseName: String {
        switch self {
        case .onSite: "现场调处"
        case .workstation: "调解工作站"
        case .mediationCentre: "调解中心"
        case .multiDepartment: "多部门联合调解"
        case .litigation: "诉讼"
        case .otherChannel: "其他渠道"
        }
    }

    /// The English name used in messages, e.g. `the mediation centre`.
    public var description: String {
        switch self {
        case .onSite: "on-site"
        case .workstation: "a workstation"
        case .mediationCentre: "the mediation centre"
        case .multiDepartment: "multi-department joint mediation"
        case .litigation: "litigation"
        case .otherChannel: "another channel"
        }
    }
}

/// A department taking part in multi-department joint mediation, as
/// `fengqiao.mediation.v1.Department` lists it.
public enum Department: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// 法院 / 人民法庭.
    case court = "court"
    /// 市场监管.
    case marketSupervision = "market_supervision"
    /// 城管.
    case urbanManagement = "urban_management"
    /// 人社 / 劳动监察.
    case labour = "labour"
    /// Another department, named in `other_department`.
    case other = "other"

    /// The short name, e.g. `market_supervision`.
    public var description: String { rawValue }
}
