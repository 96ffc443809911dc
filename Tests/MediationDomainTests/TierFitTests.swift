import FengqiaoDomain
import MediationDomain
import Testing

@Suite struct TierFitTests {
    /// Which tiers may lead each level without an override, written out by hand.
    static let fitting: [Int: Set<MediatorTier>] = [
        1: [.gold, .silver, .copper, .iron, .tin],
        2: [.gold, .silver, .copper, .iron],
        3: [.gold, .silver, .copper],
        4: [.gold, .silver],
        5: [.gold],
    ]

    @Test func everyTierAgainstEveryLevel() throws {
        for level in DisputeLevel.all {
            for tier in MediatorTier.allCases {
                let fits = Self.fitting[level.rawValue]?.contains(tier) == true
                if fits {
                    #expect(try TierFit.check(tier: tier, level: level, overrideReason: "") == .fits)
                } else {
                    let error = #expect(throws: MediationRuleViolation.self) {
                        try TierFit.check(tier: tier, level: level, overrideReason: "")
                    }
                    #expect(error?.field == "lead_person_id")
                    #expect(
                        try TierFit.check(tier: tier, level: level, overrideReason: "辖区金牌调解员外出")
                            == .overridden(reason: "辖区金牌调解员外出"))
                }
            }
        }
    }

    @Test func aTierThatDoesNotFitNeedsAReason() {
        let error = #expect(throws: MediationRuleViolation.self) {
            try TierFit.check(tier: .silver, level: .five, overrideReason: "")
        }
        #expect(error?.rule == .tierFit)
        #expect(error?.field == "lead_person_id")
        #expect(
            error?.message
                == "a silver mediator may not lead a level 5 dispute, which needs gold or better, without tier_override_reason"
        )
    }

    @Test func ironTakesAn() {
        let error = #expect(throws: MediationRuleViolation.self) {
            try TierFit.check(tier: .iron, level: .four, overrideReason: "")
        }
        #expect(error?.message == "an iron mediator may not lead a level 4 dispute, which needs silver or better, without tier_override_reason")
    }

    @Test func aTierThatFitsTakesNoReason() {
        let error = #expect(throws: MediationRuleViolation.self) {
            try TierFit.check(tier: .copper, level: .two, overrideReason: "经验丰富")
        }
        #expect(error?.field == "tier_override_reason")
        #expect(
            error?.message
                == "a copper mediator may lead a level 2 dispute, which needs iron or better; no override reason is needed"
        )
    }

    @Test(arguments: [
        ([Int64](), [String]()),
        ([21, 22], []),
        ([21, 7], ["co_mediators[1].person_id: is the lead mediator"]),
        ([21, 22, 21], ["co_mediators[2].person_id: names a co-mediator twice"]),
        (
            [0, -4],
            [
                "co_mediators[0].person_id: is required (a positive id)",
                "co_mediators[1].person_id: is required (a positive id)",
            ]
        ),
        (Array(101...111), ["co_mediators: must name at most 10 co-mediators"]),
    ])
    func coMediators(ids: [Int64], violations: [String]) {
        var check = Validation()
        check.coMediators(ids, lead: 7)
        #expect(check.violations.map { "\($0.field): \($0.description)" } == violations)
    }

    @Test func reasonsAreFourToFiveHundredCharacters() {
        var check = Validation()
        #expect(check.reason(" 调解不成 ", field: "reason") == "调解不成")
        #expect(check.isValid)
        check.reason("不成", field: "reason")
        check.reason("", field: "detail")
        check.reason("", field: "note", required: false)
        check.reason("换行\n不行", field: "why")
        #expect(check.violations.map(\.field) == ["reason", "detail", "why"])
    }
}
