import FengqiaoDomain
import FengqiaoMessages
import MediationDomain

/// Chinese names of the service's kinds, for the report.
enum ChineseNames {
    static func stage(_ stage: MediationV1.DisputeStage) -> String {
        MediationDomain.DisputeStage(rawValue: stage.shortName ?? "")?.chineseName ?? "?"
    }

    static func level(_ level: MediationV1.HandlingLevel) -> String {
        MediationDomain.HandlingLevel(rawValue: level.shortName ?? "")?.chineseName ?? "?"
    }

    static func category(_ category: CommonV1.DisputeCategory) -> String {
        switch category {
        case .neighbours: "邻里"
        case .familyAndMarriage: "婚姻家庭"
        case .landAndHomestead: "土地宅基地"
        case .labourAndWorkInjury: "劳动工伤"
        case .medical: "医疗"
        case .consumerAndCommercial: "消费"
        case .traffic: "交通"
        case .propertyManagement: "物业"
        case .debts: "债务"
        default: "其他"
        }
    }

    static func source(_ source: MediationV1.DisputeSource) -> String {
        switch source {
        case .onSiteCall: "现场警情"
        case .walkIn: "来访"
        case .patrolReport: "巡逻发现"
        case .chatGroup: "指尖警务室"
        case .informant: "信息员"
        case .referral: "部门移交"
        default: "?"
        }
    }

    static func tier(_ tier: RegistryV1.MediatorTier) -> String {
        switch tier {
        case .gold: "金"
        case .silver: "银"
        case .copper: "铜"
        case .iron: "铁"
        case .tin: "锡"
        default: "?"
        }
    }

    static func force(_ force: RegistryV1.MediationForce) -> String {
        switch force {
        case .police: "民警"
        case .judicial: "司法"
        case .peoplesMediator: "人民调解员"
        case .lawyer: "律师"
        case .fiveElders: "五老"
        default: "其他"
        }
    }

    /// An instant as `2026-06-03 09:12`, China Standard Time.
    static func time(_ milliseconds: Int64) -> String {
        let day = FollowUpSchedule.chinaDay(ofUnixMilliseconds: milliseconds)
        let minutes = Int(((milliseconds + 8 * DisputePlan.hour) % DisputePlan.day + DisputePlan.day) % DisputePlan.day / DisputePlan.minute)
        return "\(day) " + zeroPadded(minutes / 60, width: 2) + ":" + zeroPadded(minutes % 60, width: 2)
    }
}
