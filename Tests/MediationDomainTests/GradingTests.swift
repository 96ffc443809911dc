import FengqiaoDomain
import MediationDomain
import Testing

@Suite struct GradingTests {
    /// A two-party neighbours dispute with no flags: no rule applies.
    static func facts(
        people: Int = 2, flags: Set<RiskFlag> = [], category: DisputeCategory = .neighbours, repeated: Bool = false
    ) -> Grading.Facts {
        Grading.Facts(peopleInvolved: people, riskFlags: flags, category: category, repeatWithin180Days: repeated)
    }

    @Test func nothingAppliesGivesLevelOneAndTheBaseReason() {
        let grade = Grading.suggestedLevel(
            peopleInvolved: 2, riskFlags: [], category: .neighbours, repeatWithin180Days: false)
        #expect(grade.level == .one)
        #expect(grade.reasons == [.base])
    }

    @Test(arguments: [
        (1, 1, [String]()), (2, 1, []), (4, 1, []),
        (5, 2, ["people_5"]), (9, 2, ["people_5"]),
        (10, 3, ["people_10"]), (29, 3, ["people_10"]),
        (30, 4, ["people_30"]), (49, 4, ["people_30"]),
        (50, 5, ["people_50"]), (100_000, 5, ["people_50"]),
    ])
    func peopleBandsAlone(people: Int, level: Int, codes: [String]) {
        let grade = Grading.suggest(Self.facts(people: people))
        #expect(grade.level.rawValue == level)
        #expect(grade.reasons.map(\.code) == (codes.isEmpty ? ["base"] : codes))
    }

    @Test(arguments: [
        (DisputeCategory.neighbours, 1, "base"),
        (.familyAndMarriage, 1, "base"),
        (.landAndHomestead, 2, "land_and_homestead"),
        (.labourAndWorkInjury, 3, "labour_and_work_injury"),
        (.medical, 3, "medical"),
        (.consumerAndCommercial, 1, "base"),
        (.traffic, 1, "base"),
        (.propertyManagement, 1, "base"),
        (.debts, 1, "base"),
        (.other, 1, "base"),
    ])
    func categoriesAlone(category: DisputeCategory, level: Int, code: String) {
        let grade = Grading.suggest(Self.facts(category: category))
        #expect(grade.level.rawValue == level)
        #expect(grade.reasons.map(\.code) == [code])
    }

    @Test(arguments: [
        (RiskFlag.vulnerableParty, 3, "vulnerable_party"),
        (.massIncident, 4, "mass_incident"),
        (.violence, 4, "violence"),
    ])
    func riskFlagsAlone(flag: RiskFlag, level: Int, code: String) {
        let grade = Grading.suggest(Self.facts(flags: [flag]))
        #expect(grade.level.rawValue == level)
        #expect(grade.reasons.map(\.code) == [code])
    }

    @Test func repeatAlone() {
        let grade = Grading.suggest(Self.facts(repeated: true))
        #expect(grade.level == .three)
        #expect(grade.reasons == [.repeatDispute])
    }

    /// A grading case: the facts, and the level and reasons worked out by hand.
    struct Case: Sendable, CustomTestStringConvertible {
        var people: Int
        var flags: Set<RiskFlag>
        var category: DisputeCategory
        var repeated = false
        var level: Int
        var codes: [String]
        var testDescription: String { codes.joined(separator: "+") }
    }

    @Test(arguments: [
        // Both combined rules and the single rules they combine.
        Case(
            people: 2, flags: [.massIncident, .violence], category: .neighbours, level: 5,
            codes: ["mass_incident", "violence", "mass_incident_and_violence"]),
        Case(
            people: 2, flags: [.violence, .vulnerableParty], category: .familyAndMarriage, level: 5,
            codes: ["vulnerable_party", "violence", "violence_and_vulnerable_party"]),
        // Mass incident with a vulnerable party is no combined rule: the higher single rule wins.
        Case(
            people: 2, flags: [.massIncident, .vulnerableParty], category: .neighbours, level: 4,
            codes: ["vulnerable_party", "mass_incident"]),
        // Seed report 000: a homestead boundary quarrel, 30-odd people called in, a brawl imminent.
        Case(
            people: 32, flags: [.massIncident, .violence], category: .landAndHomestead, level: 5,
            codes: ["people_30", "land_and_homestead", "mass_incident", "violence", "mass_incident_and_violence"]),
        // Seed report 001: a fatal fall on a building site, the family against the employer.
        Case(
            people: 6, flags: [], category: .labourAndWorkInjury, level: 3,
            codes: ["people_5", "labour_and_work_injury"]),
        // Lower rules are listed even when a higher one decides.
        Case(
            people: 12, flags: [], category: .landAndHomestead, repeated: true, level: 3,
            codes: ["people_10", "land_and_homestead", "repeat_180_days"]),
        Case(people: 7, flags: [], category: .landAndHomestead, level: 2, codes: ["people_5", "land_and_homestead"]),
        Case(
            people: 3, flags: [.vulnerableParty], category: .medical, repeated: true, level: 3,
            codes: ["medical", "vulnerable_party", "repeat_180_days"]),
        Case(
            people: 35, flags: [.vulnerableParty], category: .debts, level: 4, codes: ["people_30", "vulnerable_party"]),
        Case(
            people: 60, flags: [.massIncident, .violence, .vulnerableParty], category: .medical, repeated: true,
            level: 5,
            codes: [
                "people_50", "medical", "vulnerable_party", "repeat_180_days", "mass_incident", "violence",
                "mass_incident_and_violence", "violence_and_vulnerable_party",
            ]),
    ])
    func combinedRules(_ example: Case) {
        let grade = Grading.suggest(
            Self.facts(
                people: example.people, flags: example.flags, category: example.category, repeated: example.repeated))
        #expect(grade.level.rawValue == example.level)
        #expect(grade.reasons.map(\.code) == example.codes)
    }

    @Test func everyRuleHasItsLeastLevelAndTexts() {
        let expected: [(GradingRule, Int, String, String)] = [
            (.people5, 2, "涉及5至9人", "5 to 9 people involved"),
            (.people10, 3, "涉及10至29人", "10 to 29 people involved"),
            (.people30, 4, "涉及30至49人", "30 to 49 people involved"),
            (.people50, 5, "涉及50人以上", "50 or more people involved"),
            (.landAndHomestead, 2, "土地及宅基地边界纠纷", "a land or homestead boundary dispute"),
            (.labourAndWorkInjury, 3, "劳动及工伤纠纷", "a labour or work-injury dispute"),
            (.medical, 3, "医疗纠纷", "a medical dispute"),
            (.vulnerableParty, 3, "当事人中有弱势群体", "a vulnerable party"),
            (.repeatDispute, 3, "同一当事人180日内再次发生纠纷", "the same parties had a dispute in the last 180 days"),
            (.massIncident, 4, "有群体性事件风险", "risk of a mass incident"),
            (.violence, 4, "有暴力或民转刑风险", "risk of violence or of a civil dispute turning criminal"),
            (.massIncidentAndViolence, 5, "群体性事件风险且有暴力风险", "risk of a mass incident with violence"),
            (.violenceAndVulnerableParty, 5, "弱势当事人面临暴力风险", "risk of violence against a vulnerable party"),
            (.base, 1, "一般纠纷", "an ordinary dispute: no rule raised the level"),
        ]
        #expect(GradingRule.allCases.count == expected.count)
        for (rule, level, zh, en) in expected {
            #expect(rule.minimumLevel.rawValue == level, "\(rule)")
            #expect(rule.textZH == zh)
            #expect(rule.textEN == en)
        }
        #expect(!GradingRule.table.contains(.base))
        #expect(GradingRule.table.count == 13)
    }

    // MARK: Overrides

    @Test func anOverrideReplacesTheSuggestionEitherWay() {
        let suggestion = Grading.suggest(Self.facts(flags: [.violence]))
        #expect(Grading.levelInForce(suggestion, override: nil) == .four)
        #expect(Grading.levelInForce(suggestion, override: GradeOverride(level: .five, reason: "当事人扬言报复")) == .five)
        #expect(Grading.levelInForce(suggestion, override: GradeOverride(level: .two, reason: "双方已和解意向明确")) == .two)
    }

    @Test(arguments: [
        (Int?.none, "", nil, [String]()),
        (nil, "  ", nil, []),
        (nil, "多余的理由", nil, ["override_reason: is only for an override (override_level)"]),
        (3, "  群众反映强烈  ", 3, []),
        (5, "", nil, ["override_reason: is required"]),
        (5, "太短", nil, ["override_reason: must say why, in at least 4 characters"]),
        (5, String(repeating: "理", count: 501), nil, ["override_reason: must be at most 500 characters"]),
        (0, "群众反映强烈", nil, ["override_level: must be between 1 and 5"]),
        (6, "", nil, ["override_level: must be between 1 and 5", "override_reason: is required"]),
    ])
    func overrideValidation(level: Int?, reason: String, expectedLevel: Int?, violations: [String]) {
        var check = Validation()
        let override = check.gradeOverride(level: level, reason: reason)
        #expect(override?.level.rawValue == expectedLevel)
        #expect(check.violations.map { "\($0.field): \($0.description)" } == violations)
        if expectedLevel != nil { #expect(override?.reason == reason.trimmingWhitespace()) }
    }

    // MARK: Levels

    @Test(arguments: [(0, nil), (1, MediatorTier.tin), (2, .iron), (3, .copper), (4, .silver), (5, .gold), (6, nil)])
    func levelsAndTheirLeastTier(raw: Int, tier: MediatorTier?) {
        #expect(DisputeLevel(rawValue: raw)?.minimumTier == tier)
    }

    @Test func levelConstants() {
        #expect(DisputeLevel.all.map(\.rawValue) == [1, 2, 3, 4, 5])
        #expect(DisputeLevel.three.description == "level 3")
        #expect(DisputeLevel.two < .four)
    }
}
