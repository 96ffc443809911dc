import FengqiaoDomain
import MediationDomain
import Testing

@Suite struct EscalationTests {
    @Test(arguments: [
        (HandlingLevel.onSite, 1, false, true, "现场调处"),
        (.workstation, 2, false, true, "调解工作站"),
        (.mediationCentre, 3, false, true, "调解中心"),
        (.multiDepartment, 4, true, true, "多部门联合调解"),
        (.litigation, 5, true, false, "诉讼"),
        (.otherChannel, 5, true, false, "其他渠道"),
    ])
    func ladder(level: HandlingLevel, rung: Int, beyond: Bool, mediates: Bool, chinese: String) {
        #expect(level.rung == rung)
        #expect(level.isBeyondStation == beyond)
        #expect(level.mediates == mediates)
        #expect(level.chineseName == chinese)
    }

    @Test func filingLevels() {
        #expect(HandlingLevel.filingLevels == [.onSite, .workstation, .mediationCentre])
    }

    /// Escalations allowed while the dispute is mediated (in intervention), written out by hand.
    static let upwardWhileMediating: Set<String> = [
        "on_site>workstation", "on_site>mediation_centre", "on_site>multi_department",
        "workstation>mediation_centre", "workstation>multi_department",
        "mediation_centre>multi_department",
    ]
    /// Escalations allowed after mediation failed, written out by hand.
    static let upwardAfterFailure: Set<String> = [
        "on_site>litigation", "on_site>other_channel", "workstation>litigation", "workstation>other_channel",
        "mediation_centre>litigation", "mediation_centre>other_channel",
        "multi_department>litigation", "multi_department>other_channel",
    ]

    @Test(arguments: DisputeStage.allCases)
    func everyEscalationInEveryStage(stage: DisputeStage) {
        let allowed: Set<String> =
            switch stage {
            case .screening, .intervention, .jointMediation: Self.upwardWhileMediating
            case .failed: Self.upwardAfterFailure
            case .agreed, .review, .followUp, .closed: []
            }
        for from in HandlingLevel.allCases {
            for to in HandlingLevel.allCases {
                let key = "\(from.rawValue)>\(to.rawValue)"
                let legal = (try? Escalation.check(stage: stage, from: from, to: to)) != nil
                #expect(legal == allowed.contains(key), "\(stage) \(key)")
            }
        }
    }

    @Test(arguments: [
        (
            DisputeStage.intervention, HandlingLevel.mediationCentre, HandlingLevel.workstation,
            "cannot escalate a dispute from the mediation centre to a workstation: escalation only goes up (on-site, a workstation, the mediation centre, multi-department joint mediation, litigation or another channel)"
        ),
        (
            .failed, .litigation, .otherChannel,
            "cannot escalate a dispute from litigation to another channel: escalation only goes up (on-site, a workstation, the mediation centre, multi-department joint mediation, litigation or another channel)"
        ),
        (
            .intervention, .onSite, .litigation,
            "cannot escalate a dispute in intervention to litigation: only a failed dispute goes to litigation or another channel"
        ),
        (
            .failed, .onSite, .mediationCentre,
            "cannot escalate a dispute in failed to the mediation centre: only a dispute in screening, intervention or joint mediation is escalated to another mediator"
        ),
        (
            .followUp, .workstation, .multiDepartment,
            "cannot escalate a dispute in follow-up to multi-department joint mediation: only a dispute in screening, intervention or joint mediation is escalated to another mediator"
        ),
    ])
    func refusals(stage: DisputeStage, from: HandlingLevel, to: HandlingLevel, message: String) {
        let error = #expect(throws: MediationRuleViolation.self) {
            try Escalation.check(stage: stage, from: from, to: to)
        }
        #expect(error?.rule == .escalation)
        #expect(error?.field == "to_level")
        #expect(error?.message == message)
    }

    @Test(arguments: [
        (HandlingLevel.multiDepartment, [Department.court, .marketSupervision], "", "", [String]()),
        (.multiDepartment, [.labour, .other], " 住建局 ", "住建局", []),
        (
            .multiDepartment, [], "", "",
            ["departments: must name at least one department for multi-department joint mediation"]
        ),
        (.multiDepartment, [.court, .court], "", "", ["departments: must name each department once"]),
        (.multiDepartment, [.other], "", "", ["other_department: is required"]),
        (.multiDepartment, [.urbanManagement], "住建局", "", ["other_department: is only for a department of kind other"]),
        (.mediationCentre, [.court], "", "", ["departments: are only for multi-department joint mediation"]),
        (.litigation, [], "", "", []),
        (.workstation, [], "住建局", "", ["other_department: is only for a department of kind other"]),
    ])
    func departments(
        level: HandlingLevel, departments: [Department], other: String, name: String, violations: [String]
    ) {
        var check = Validation()
        #expect(check.escalationDepartments(departments, otherDepartment: other, to: level) == name)
        #expect(check.violations.map { "\($0.field): \($0.description)" } == violations)
    }
}
