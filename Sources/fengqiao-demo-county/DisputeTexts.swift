import FengqiaoMessages

/// What the demo's disputes say: descriptions and agreement terms by category, and the notes,
/// reasons and details an officer writes as a dispute moves on, in the words of the field reports.
///
/// Descriptions name parties the way police records do (`刘某`), never in full. Placeholders:
/// `{甲}` the applicant, `{乙}` the respondent, `{地}` the community or village, `{金额}` an amount in
/// yuan.
enum DisputeTexts {
    struct Template {
        var description: String
        var terms: String
        /// Whether the respondent is a business (a shop, clinic, contractor or property company)
        /// known by name only, not a resident.
        var businessRespondent = false
        /// Whether several applicants stand together (`{甲}等人`).
        var group = false
        /// Whether the applicant is vulnerable (an elderly parent, say).
        var vulnerableApplicant = false
    }

    static func templates(_ category: CommonV1.DisputeCategory) -> [Template] {
        switch category {
        case .neighbours: neighbours
        case .familyAndMarriage: family
        case .landAndHomestead: land
        case .labourAndWorkInjury: labour
        case .medical: medical
        case .consumerAndCommercial: consumer
        case .traffic: traffic
        case .propertyManagement: property
        case .debts: debts
        default: other
        }
    }

    static let neighbours = [
        Template(
            description: "{甲}与楼下邻居{乙}因空调外机滴水、夜间噪音问题多次争吵，{甲}拨打110求助。",
            terms: "一、{乙}于三日内为空调外机加装接水管并调整位置；\n二、双方晚十点后注意控制音量；\n三、双方互谅互让，和睦相处。"),
        Template(
            description: "{甲}家装修期间在公共楼道堆放建材，与邻居{乙}发生口角并相互推搡。",
            terms: "一、{甲}于两日内清理楼道建材，装修垃圾当日清运；\n二、{甲}向{乙}赔礼道歉；\n三、双方不再追究推搡一事。"),
        Template(
            description: "{甲}与{乙}两家因院墙排水沟走向发生争执，雨天积水流入{甲}家院内。",
            terms: "一、排水沟改道沿两家院墙外侧向东排出，费用双方各半；\n二、由{地}网格员监督施工；\n三、此后双方不得擅自改动排水沟。"),
        Template(
            description: "{乙}在院墙上加装铁丝网防盗，一墙之隔的邻居{甲}认为铁丝网存在安全隐患，双方发生纠纷。",
            terms: "一、{乙}拆除临街一侧铁丝网，改装不伤人的防盗设施；\n二、{甲}不再就此事与{乙}争执；\n三、双方邻里相处，互相照应。"),
        Template(
            description: "{甲}饲养的狗多次在楼道便溺、夜间吠叫，邻居{乙}上门理论，双方发生争吵。",
            terms: "一、{甲}文明养犬，出门牵绳，及时清理犬只粪便；\n二、夜间将犬只关在室内；\n三、{乙}如有意见通过网格员反映，不再上门争吵。"),
        Template(
            description: "{甲}与{乙}因门前停车位长期被占用发生争执，险些动手。",
            terms: "一、门前空地划线分为两个车位，两家各用一个；\n二、双方不得堆放杂物占用对方车位；\n三、双方互不追究此前言语冲突。"),
        Template(
            description: "{乙}在屋后栽种的树木树根延伸，破坏{甲}家墙基，两家多次争吵。",
            terms: "一、{乙}于十日内移除靠近墙基的两棵树；\n二、{乙}补偿{甲}墙基修补费用{金额}元；\n三、双方今后栽种树木距对方墙基不少于两米。"),
        Template(
            description: "{甲}反映邻居{乙}家夜间打麻将噪音扰民，协商无果后双方在楼道对骂。",
            terms: "一、{乙}家娱乐活动晚十点前结束；\n二、双方互相道歉；\n三、今后有问题先找楼栋长协调。"),
    ]

    static let family = [
        Template(
            description: "{甲}与丈夫{乙}因家庭琐事长期争吵，{甲}到警务室求助，要求调解。",
            terms: "一、双方冷静处理家庭矛盾，不得动手；\n二、家庭收支由双方共同商量；\n三、社区民警和网格员定期走访。"),
        Template(
            description: "{甲}与{乙}兄弟二人因父母赡养费用分摊问题发生争执。",
            terms: "一、父母赡养费每人每月{金额}元，每月五日前交付；\n二、父母就医费用兄弟二人各承担一半；\n三、由村委会见证履行。"),
        Template(
            description: "{甲}与{乙}离婚后因子女探视时间安排发生争吵，影响孩子上学。",
            terms: "一、{乙}每周六上午九时接孩子，周日下午五时送回；\n二、寒暑假探视另行商定；\n三、双方不得在孩子面前争吵。"),
        Template(
            description: "{甲}与{乙}兄妹因父母留下的老宅继承分配产生矛盾。",
            terms: "一、老宅由{乙}居住，{乙}补偿{甲}{金额}元；\n二、补偿款分两期付清；\n三、双方不再就老宅产生争议。"),
        Template(
            description: "{甲}与儿媳{乙}因照看孩子和家务分担矛盾激化，{乙}带孩子回娘家。",
            terms: "一、孩子平日由{甲}接送，周末由{乙}照看；\n二、家务由家庭成员分担；\n三、双方互相尊重，有事坐下来商量。"),
        Template(
            description: "{甲}反映其子{乙}长期不支付赡养费，老人生活困难，向村警求助。",
            terms: "一、{乙}每月支付{甲}赡养费{金额}元；\n二、{乙}每月至少回家探望一次；\n三、由村委会监督履行。",
            vulnerableApplicant: true),
    ]

    static let land = [
        Template(
            description: "{甲}与{乙}两户因宅基地界线争执，{乙}翻建院墙，{甲}认为侵占其宅基地约半米。",
            terms: "一、以{地}村委会存档的宅基地图为准重新确认界线；\n二、{乙}将院墙退回原界线，双方各退让半米作为共用通道；\n三、界线处埋设界桩，双方不得擅自移动。"),
        Template(
            description: "{甲}与{乙}因承包地界桩移位发生争执，涉及制种玉米地约两亩。",
            terms: "一、由村组干部现场丈量，恢复原界桩位置；\n二、本季收成按原界线各自收获；\n三、双方不得私自移动界桩。"),
        Template(
            description: "{甲}与{乙}因田间灌溉水渠放水先后顺序发生争吵，双方在地头推搡。",
            terms: "一、按村组轮灌顺序放水，{甲}在先，{乙}在后；\n二、轮灌表在村民群公布；\n三、双方互不追究推搡一事。"),
        Template(
            description: "{乙}翻建房屋，{甲}认为新房滴水檐伸入其宅基地上方，双方多次争执。",
            terms: "一、{乙}加装檐沟，雨水引向自家院内；\n二、{乙}补偿{甲}{金额}元；\n三、双方不再就此事争执。"),
        Template(
            description: "{甲}与{乙}因林地边界及林木归属发生争议。",
            terms: "一、以林权证附图为准确认边界；\n二、争议处林木由双方平分；\n三、边界处设立标志。"),
        Template(
            description: "{甲}与{乙}因村组集体土地流转收益分配发生纠纷。",
            terms: "一、流转收益按户籍人口分配，{甲}家补发{金额}元；\n二、分配方案在村务公开栏公示；\n三、双方不再就此争执。"),
    ]

    static let labour = [
        Template(
            description: "{甲}等人在{乙}承包的装修工地务工，工程结束后被拖欠工资共计{金额}元。",
            terms: "一、{乙}于十五日内付清拖欠工资{金额}元；\n二、付清前由{乙}出具欠条；\n三、{甲}等人不再到工地聚集。",
            businessRespondent: true, group: true),
        Template(
            description: "{甲}在{乙}经营的加工厂务工时手部受伤，双方就医疗费和误工费赔偿发生争议。",
            terms: "一、{乙}承担全部医疗费，另付误工费、营养费共计{金额}元；\n二、款项于签字之日起十日内付清；\n三、双方劳动关系依法处理，{甲}不再追究。",
            businessRespondent: true),
        Template(
            description: "{甲}在工地搬运玻璃时不慎踩空摔伤，与用工方负责人{乙}就事故责任和赔偿争执不下。",
            terms: "一、用工方一次性赔偿{甲}{金额}元；\n二、赔偿款分两期付清；\n三、双方就此事不再有其他争议。",
            businessRespondent: true),
        Template(
            description: "{甲}从{乙}经营的餐馆离职，双方就最后一个月工资结算发生争执。",
            terms: "一、{乙}按实际出勤结算工资{金额}元，当场付清；\n二、双方互不追究其他事项。",
            businessRespondent: true),
    ]

    static let medical = [
        Template(
            description: "{甲}在{乙}开设的诊所输液后出现过敏反应，双方就责任和费用发生争执。",
            terms: "一、{乙}退还输液费用并承担后续治疗费{金额}元；\n二、{乙}向{甲}道歉；\n三、双方不再就此事争执。",
            businessRespondent: true),
        Template(
            description: "{甲}及家属认为卫生院医生{乙}诊治延误，聚集在卫生院要求说法。",
            terms: "一、卫生院对诊疗过程作出书面说明；\n二、卫生院给予{甲}人道补偿{金额}元；\n三、{甲}家属不再到卫生院聚集。",
            businessRespondent: true),
        Template(
            description: "{甲}在{乙}的牙科诊所种植牙后多次脱落，要求退费赔偿。",
            terms: "一、{乙}免费重新种植并退还部分费用{金额}元；\n二、双方不再就此事争执。",
            businessRespondent: true),
    ]

    static let consumer = [
        Template(
            description: "{甲}在{乙}经营的农家乐就餐后认为收费过高，双方发生争执。",
            terms: "一、{乙}按明码标价重新结算，退还多收的{金额}元；\n二、{乙}在店内显著位置公示菜价。",
            businessRespondent: true),
        Template(
            description: "{甲}在{乙}的超市购买的食品已过保质期，要求赔偿，双方协商不成。",
            terms: "一、{乙}退货并赔偿{甲}{金额}元；\n二、{乙}清查下架临期、过期食品。",
            businessRespondent: true),
        Template(
            description: "{甲}在{乙}的手机店购买的二手手机出现故障，要求退货被拒。",
            terms: "一、{乙}为{甲}退货退款{金额}元；\n二、双方不再就此争执。",
            businessRespondent: true),
        Template(
            description: "{甲}在{乙}的理发店办理储值卡后店铺转让，要求退还卡内余额。",
            terms: "一、{乙}退还{甲}储值卡余额{金额}元；\n二、款项当场付清。",
            businessRespondent: true),
        Template(
            description: "{甲}在{乙}处购买的农药使用后秧苗受损，双方就损失赔偿发生争执。",
            terms: "一、{乙}赔偿{甲}秧苗损失{金额}元；\n二、{乙}提供同批次农药进货凭证备查。",
            businessRespondent: true),
    ]

    static let traffic = [
        Template(
            description: "{甲}驾驶电动车与{乙}驾驶的小轿车在路口发生剐蹭，双方就维修费用发生争执。",
            terms: "一、{乙}承担{甲}电动车维修费用{金额}元；\n二、双方各自承担其他损失，不再追究。"),
        Template(
            description: "{甲}骑自行车与行人{乙}相撞，{乙}腿部擦伤，双方就医药费协商不成。",
            terms: "一、{甲}承担{乙}医药费{金额}元；\n二、{甲}向{乙}赔礼道歉。"),
        Template(
            description: "{乙}驾驶货车倒车时撞坏{甲}家院门，双方就赔偿金额发生争执。",
            terms: "一、{乙}赔偿{甲}院门修复费用{金额}元；\n二、款项于三日内付清。"),
        Template(
            description: "{甲}驾车在停车场与{乙}的车辆剐蹭，双方各执一词，围观群众较多。",
            terms: "一、经查看监控，双方各承担一半维修费用；\n二、{乙}当场支付{甲}{金额}元。"),
    ]

    static let property = [
        Template(
            description: "业主{甲}以楼顶漏水长期未修为由拒交物业费，与物业经理{乙}发生争执。",
            terms: "一、物业公司于十日内修复楼顶防水；\n二、修复后{甲}补交物业费；\n三、物业公司减免{甲}三个月物业费。",
            businessRespondent: true),
        Template(
            description: "{乙}家卫生间漏水殃及楼下{甲}家，物业协调无果，双方发生争吵。",
            terms: "一、{乙}于一周内请人维修防水；\n二、{乙}赔偿{甲}吊顶修复费用{金额}元；\n三、物业公司负责监督维修。"),
        Template(
            description: "业主{甲}在小区绿化带私搭棚子，与物业经理{乙}发生冲突。",
            terms: "一、{甲}于三日内自行拆除棚子，恢复绿化；\n二、物业公司为{甲}在车棚内安排存放位置。",
            businessRespondent: true),
        Template(
            description: "小区电梯多次故障，业主{甲}等人与物业公司负责人{乙}发生争执。",
            terms: "一、物业公司于一个月内完成电梯大修；\n二、维修期间每日公示进度；\n三、业主代表参与验收。",
            businessRespondent: true, group: true),
    ]

    static let debts = [
        Template(
            description: "{甲}借给{乙}{金额}元，约定半年归还，逾期未还，{甲}多次上门讨要引发争吵。",
            terms: "一、{乙}确认欠款{金额}元；\n二、{乙}分三个月还清，每月十日前支付；\n三、{甲}不再上门争吵。"),
        Template(
            description: "{甲}与{乙}合伙经营养殖场散伙后，就欠款结算发生纠纷。",
            terms: "一、经对账，{乙}应付{甲}{金额}元；\n二、{乙}于三十日内付清；\n三、合伙账目就此结清。"),
        Template(
            description: "{甲}为{乙}垫付的农资款{金额}元迟迟未还，双方发生口角。",
            terms: "一、{乙}于秋收后十日内归还垫付款{金额}元；\n二、双方互不追究口角一事。"),
    ]

    static let other = [
        Template(
            description: "{甲}家散养的鸡鸭多次进入{乙}家菜地啄食蔬菜，双方发生争执。",
            terms: "一、{甲}圈养鸡鸭，不再散放；\n二、{甲}赔偿{乙}菜地损失{金额}元。"),
        Template(
            description: "{甲}与{乙}因办红白喜事占道搭棚、堵塞通行发生争执。",
            terms: "一、{甲}缩小搭棚范围，留出通行车道；\n二、活动结束当日拆除。"),
        Template(
            description: "{甲}丢失的手机被{乙}捡到，双方就酬谢问题发生争执。",
            terms: "一、{乙}当场归还手机；\n二、{甲}自愿致谢，双方不再争执。"),
    ]

    // MARK: Risk and source

    static let crowd = "双方各喊来亲友二十余人聚集，事态有扩大趋势。"
    static let bigCrowd = "双方喊来三十余人聚集，群殴事件一触即发。"
    static let violence = "{乙}扬言报复，现场曾发生推搡。"
    static let vulnerable = "当事人{甲}年逾七旬，独居，行动不便。"

    static func sourceLead(_ source: MediationV1.DisputeSource) -> String {
        switch source {
        case .onSiteCall: "接110警情："
        case .walkIn: "当事人来访："
        case .patrolReport: "巡逻发现："
        case .chatGroup: "群众在指尖警务室群内反映："
        case .informant: "信息员报告："
        case .referral: "镇司法所移交："
        default: ""
        }
    }

    static func intervention(_ source: MediationV1.DisputeSource) -> String {
        switch source {
        case .onSiteCall: "民警接警后赶赴现场，稳定双方情绪，开展现场调处"
        case .walkIn: "民警在警务室接待当事人，电话联系对方了解情况"
        case .patrolReport: "巡逻民警与网格员上门了解情况，约双方当面沟通"
        case .chatGroup: "民警看到群内反映后联系双方当事人，上门走访"
        case .informant: "根据信息员报告，社区民警上门走访核实"
        default: "调解员联系双方当事人，了解争议经过"
        }
    }

    // MARK: Joint mediation and escalation

    static let joint: [MediationV1.HandlingLevel: [String]] = [
        .onSite: ["邀请五老调解队、村委会干部共同调解", "社区民警联合网格员、楼栋长开展联调"],
        .workstation: ["现场未能调处，引导双方到就近调解工作站，联合人民调解员开展联调", "转至调解工作站，由五老调解员与民警共同调解"],
        .mediationCentre: ["移交调解中心，由金牌调解员牵头专业调处", "调解中心组织律师、人民调解员共同调解"],
        .multiDepartment: ["启动多部门联合调解，相关部门共同参与"],
    ]

    static let escalation: [MediationV1.HandlingLevel: String] = [
        .workstation: "现场未能调处，双方同意到就近调解工作站调解",
        .mediationCentre: "争议金额较大、双方分歧明显，移交调解中心专业调处",
        .multiDepartment: "涉及相关部门职责，需多部门联合调解",
        .litigation: "调解不成，引导当事人向人民法庭起诉，民警协助准备材料",
    ]

    // MARK: After the outcome

    static let review = [
        "评晒：调解结果在{地}群内公示，双方无异议",
        "评晒：所务会评议调解过程，程序规范，协议已开始履行",
        "评晒：在警务室公开栏晒出调解经过和结果",
    ]
    static let failedReview = "评晒：所务会评议调解不成原因，总结经验"
    static let toFollowUp = "转入回访，按期电话或上门回访"
    static let stable = [
        "电话回访，双方均表示协议已履行，关系缓和",
        "上门回访，赔偿款已付清，双方无新的矛盾",
        "网格员入户回访，双方相处正常",
        "回访时双方均在场，表示满意",
    ]
    static let relapse = "协议未按约定履行，双方再起争执"
    static let closed = "回访完毕，协议履行到位，结案"
    static let closedAfterFailure = "调解不成，已告知当事人其他解决途径，结案"

    static let failure: [MediationV1.FailureReason: String] = [
        .partyRefused: "{乙}拒绝调解，表示要通过法律途径解决",
        .noCommonGround: "双方对赔偿金额分歧过大，经三次调解未能达成一致",
        .partyUnreachable: "对方当事人外出务工，多次联系不上，无法调解",
        .outsideMediation: "经核查涉嫌合同诈骗，不属于调解范围，已移交办案部门",
    ]

    static let tierOverride = "该调解员是本村老支书，熟悉双方家庭情况，当事人点名请其调解"
    static let raiseLevel = "走访中了解到一方多次扬言报复，提高等级重点关注"
}
