/// What a dispute is about, as `fengqiao.common.v1.DisputeCategory` lists it.
///
/// The raw values are the generated enum's short names (`DISPUTE_CATEGORY_FAMILY_AND_MARRIAGE` →
/// `family_and_marriage`), so a service maps the wire value with
/// `DisputeCategory(rawValue: category.shortName ?? "")`.
public enum DisputeCategory: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// 邻里纠纷
    case neighbours = "neighbours"
    /// 婚姻家庭纠纷
    case familyAndMarriage = "family_and_marriage"
    /// 土地及宅基地边界纠纷
    case landAndHomestead = "land_and_homestead"
    /// 劳动及工伤纠纷
    case labourAndWorkInjury = "labour_and_work_injury"
    /// 医疗纠纷
    case medical = "medical"
    /// 消费及商业纠纷
    case consumerAndCommercial = "consumer_and_commercial"
    /// 交通事故纠纷
    case traffic = "traffic"
    /// 物业纠纷
    case propertyManagement = "property_management"
    /// 债务纠纷
    case debts = "debts"
    /// 其他
    case other = "other"

    /// The short name, e.g. `family_and_marriage`.
    public var description: String { rawValue }
}
