import FengqiaoDomain
import FengqiaoMessages
import MediationDomain

/// Plans one station's disputes: what each is about and who its parties are, then which take the
/// rarer paths (failure, escalation beyond the station, a relapse, a stall past a time limit), then
/// each one's steps.
struct StationBuilder {
    typealias Plan = DisputePlan

    /// A dispute before its steps.
    struct Draft {
        var place: CountyPlan.Place
        var category: CommonV1.DisputeCategory
        var template: DisputeTexts.Template
        var source: MediationV1.DisputeSource
        var parties: [Plan.Party]
        var peopleInvolved: Int
        var riskFlags: [MediationV1.RiskFlag]
        /// Milliseconds before the anchor.
        var ago: Int64
        var amount: Int
        var isRepeat = false
        var fate: Fate = .settled
        var tierOverride = false
        var regrade = false
        var level = 1
    }

    enum Fate: Equatable {
        case settled
        case multiDepartment
        case relapse
        case failed(litigation: Bool)
        case stalled(Plan.Stall)
    }

    let station: CountyPlan.Station
    let quota: Plan.Quota
    let anchor: Int64
    let residents: ResidentPool

    mutating func make(names: inout NameMaker, random: inout SeededRandom) -> [Plan.Dispute] {
        var drafts = (0..<quota.count).map { _ in draft(names: &names, random: &random) }

        // Stalls first: they move the dispute to the window in which it is overdue now.
        for (stall, index) in zip(quota.stalls, Array(drafts.indices.shuffled(using: &random).prefix(quota.stalls.count))) {
            let days: ClosedRange<Int64> =
                switch stall {
                case .screening: 4...9
                case .intervention: 10...25
                case .jointMediation: 40...60
                case .followUpVisit: 45...70
                }
            drafts[index].ago = Int64.random(in: days, using: &random) * Plan.day - Self.timeOfDay(for: drafts[index].source, random: &random)
            drafts[index].fate = .stalled(stall)
        }
        drafts.sort { $0.ago > $1.ago }
        makeRepeats(&drafts, random: &random)
        for index in drafts.indices {
            drafts[index].level = Self.level(of: drafts[index])
        }
        chooseFates(&drafts, random: &random)

        return drafts.enumerated().map { number, draft in
            let key = "demo-\(station.code)-" + zeroPadded(number + 1, width: 3)
            return dispute(draft, key: key, random: &random)
        }
    }

    static func level(of draft: Draft) -> Int {
        let category = MediationDomain.DisputeCategory(rawValue: draft.category.shortName ?? "") ?? .other
        let flags = Set(draft.riskFlags.compactMap { MediationDomain.RiskFlag(rawValue: $0.shortName ?? "") })
        let suggested = Grading.suggestedLevel(
            peopleInvolved: draft.peopleInvolved, riskFlags: flags, category: category, repeatWithin180Days: draft.isRepeat
        ).level.rawValue
        return draft.regrade ? min(suggested + 1, 5) : suggested
    }

    // MARK: What a dispute is about

    private func draft(names: inout NameMaker, random: inout SeededRandom) -> Draft {
        let places = station.places
        let place = weighted(places.map { ($0, max(residents.byPlace[$0.code]?.count ?? 0, 40)) }, using: &random)
        let category = weighted(Self.categories(for: place.kind), using: &random)
        let templates = DisputeTexts.templates(category)
        let template = templates[Int.random(in: 0..<templates.count, using: &random)]
        let source = weighted(
            [(.onSiteCall, 45), (.walkIn, 18), (.patrolReport, 10), (.chatGroup, 13), (.informant, 9), (.referral, 5)] as [(MediationV1.DisputeSource, Int)],
            using: &random)
        // Most were reported on any day of the past six months; some in the last two weeks.
        let days = Int64(Int.random(in: 0..<100, using: &random) < 88 ? Int.random(in: 2...182, using: &random) : Int.random(in: 1...14, using: &random))
        let ago = days * Plan.day - Self.timeOfDay(for: source, random: &random)
        let parties = makeParties(place: place, category: category, template: template, names: &names, random: &random)

        var people = parties.count
        var flags: [MediationV1.RiskFlag] = []
        let crowd = Int.random(in: 0..<1000, using: &random)
        switch crowd {
        case ..<740: break
        case ..<920: people = max(people, Int.random(in: 5...9, using: &random))
        case ..<965:
            people = max(people, Int.random(in: 10...29, using: &random))
            if Int.random(in: 0..<100, using: &random) < 15 { flags.append(.massIncident) }
        case ..<995:
            people = Int.random(in: 30...49, using: &random)
            flags.append(.massIncident)
            if Int.random(in: 0..<4, using: &random) == 0 { flags.append(.violence) }
        default:
            people = Int.random(in: 50...80, using: &random)
            flags.append(.massIncident)
        }
        if template.group { people = max(people, Int.random(in: 5...12, using: &random)) }
        if !flags.contains(.violence) && Int.random(in: 0..<100, using: &random) < 2 { flags.append(.violence) }
        if template.vulnerableApplicant || Int.random(in: 0..<100, using: &random) < 3 { flags.append(.vulnerableParty) }

        let amount = Self.amount(for: category, using: &random)
        return Draft(place: place, category: category, template: template, source: source, parties: parties, peopleInvolved: people,
                     riskFlags: flags, ago: ago, amount: amount)
    }

    /// When in the day (China Standard Time, milliseconds after midnight) a dispute is reported:
    /// calls at any hour, most in the afternoon and evening; visits to a police room in office hours.
    static func timeOfDay(for source: MediationV1.DisputeSource, random: inout SeededRandom) -> Int64 {
        let hours: ClosedRange<Int64> =
            switch source {
            case .onSiteCall: weighted([(7...11, 25), (12...17, 30), (18...22, 35), (23...30, 10)], using: &random)
            case .walkIn: 8...16
            case .patrolReport: 8...21
            case .chatGroup: 7...21
            case .informant: 8...19
            default: 9...16
            }
        let at = Int64.random(in: hours, using: &random) * Plan.hour + duration(0...(Plan.hour - Plan.minute), using: &random)
        return at % Plan.day
    }

    static func categories(for kind: RegistryV1.UnitKind) -> [(CommonV1.DisputeCategory, Int)] {
        switch kind {
        case .village:
            [(.neighbours, 25), (.familyAndMarriage, 20), (.landAndHomestead, 22), (.debts, 9), (.labourAndWorkInjury, 5), (.traffic, 6),
             (.consumerAndCommercial, 5), (.medical, 3), (.other, 5)]
        case .compound:
            [(.neighbours, 30), (.familyAndMarriage, 18), (.propertyManagement, 24), (.consumerAndCommercial, 6), (.traffic, 7), (.debts, 7),
             (.labourAndWorkInjury, 3), (.medical, 1), (.other, 4)]
        case .scenicArea:
            [(.consumerAndCommercial, 42), (.traffic, 22), (.neighbours, 10), (.labourAndWorkInjury, 8), (.medical, 2), (.debts, 5), (.other, 11)]
        default:
            [(.neighbours, 30), (.familyAndMarriage, 20), (.propertyManagement, 8), (.consumerAndCommercial, 10), (.traffic, 9), (.debts, 9),
             (.labourAndWorkInjury, 5), (.medical, 3), (.other, 6)]
        }
    }

    static func amount(for category: CommonV1.DisputeCategory, using random: inout SeededRandom) -> Int {
        let hundreds: ClosedRange<Int> =
            switch category {
            case .familyAndMarriage: 5...20
            case .labourAndWorkInjury: 30...800
            case .medical: 20...300
            case .consumerAndCommercial: 1...50
            case .traffic: 3...80
            case .propertyManagement: 5...60
            case .debts: 50...1000
            case .landAndHomestead: 10...200
            case .neighbours: 3...30
            default: 1...10
            }
        return Int.random(in: hundreds, using: &random) * 100
    }

    private func makeParties(
        place: CountyPlan.Place, category: CommonV1.DisputeCategory, template: DisputeTexts.Template, names: inout NameMaker,
        random: inout SeededRandom
    ) -> [Plan.Party] {
        let pool = residents.byPlace[place.code] ?? []
        var used: Set<String> = []
        func resident(_ role: MediationV1.PartyRole) -> Plan.Party? {
            for _ in 0..<8 {
                guard let pick = pool.randomElement(using: &random), used.insert(pick.name).inserted else { continue }
                return Plan.Party(name: pick.name, role: role, phone: pick.phone, nationalID: pick.nationalID, isResident: true)
            }
            return nil
        }
        func nameOnly(_ role: MediationV1.PartyRole) -> Plan.Party {
            let name = names.unique(using: &random)
            let phone = Int.random(in: 0..<10, using: &random) < 7 ? CountyPlan.phone(using: &random) : ""
            let nationalID =
                Int.random(in: 0..<10, using: &random) < 3
                ? CountyPlan.nationalID(born: Int.random(in: 1955...2003, using: &random), using: &random) : ""
            return Plan.Party(name: name, role: role, phone: phone, nationalID: nationalID, isResident: false)
        }

        // A family's quarrel is between people of one household, where the plan of places has one.
        if category == .familyAndMarriage, Int.random(in: 0..<10, using: &random) < 7 {
            let homes = pool.compactMap { residents.byHome[$0.home]?.count ?? 0 >= 2 ? $0.home : nil }
            if let home = homes.randomElement(using: &random), let members = residents.byHome[home] {
                let pair = Array(members.shuffled(using: &random).prefix(2))
                return zip(pair, [MediationV1.PartyRole.applicant, .respondent]).map { member, role in
                    Plan.Party(name: member.name, role: role, phone: member.phone, nationalID: member.nationalID, isResident: true)
                }
            }
        }
        let tourists = place.kind == .scenicArea
        var parties: [Plan.Party] = []
        let applicants = template.group ? Int.random(in: 2...3, using: &random) : 1
        for _ in 0..<applicants {
            let local = Int.random(in: 0..<10, using: &random) < (tourists ? 4 : 8)
            parties.append((local ? resident(.applicant) : nil) ?? nameOnly(.applicant))
        }
        if template.businessRespondent || Int.random(in: 0..<4, using: &random) == 0 {
            parties.append(nameOnly(.respondent))
        } else {
            parties.append(resident(.respondent) ?? nameOnly(.respondent))
        }
        if !template.group && Int.random(in: 0..<100, using: &random) < 12 {
            parties.append(resident(.respondent) ?? nameOnly(.respondent))
        }
        return parties
    }

    /// A few disputes are between the same residents as one settled earlier in the same place,
    /// within 180 days: the grading table raises them to level 3.
    private func makeRepeats(_ drafts: inout [Draft], random: inout SeededRandom) {
        var made = 0
        for later in drafts.indices.shuffled(using: &random) where made < quota.repeats {
            guard drafts[later].fate == .settled else { continue }
            let earlier = drafts.indices.first { index in
                let gap = drafts[index].ago - drafts[later].ago
                return drafts[index].place.code == drafts[later].place.code && drafts[index].fate == .settled && !drafts[index].isRepeat
                    && gap > 20 * Plan.day && gap < 150 * Plan.day && drafts[index].parties.filter(\.isResident).count >= 2
                    && drafts[index].parties.contains { $0.isResident && $0.role == .applicant }
            }
            guard let earlier else { continue }
            drafts[later].parties = drafts[earlier].parties.filter(\.isResident)
            drafts[later].category = drafts[earlier].category
            drafts[later].template = drafts[earlier].template
            drafts[later].peopleInvolved = max(drafts[later].peopleInvolved, drafts[later].parties.count)
            drafts[later].isRepeat = true
            made += 1
        }
    }

    private func chooseFates(_ drafts: inout [Draft], random: inout SeededRandom) {
        func pick(_ count: Int, where eligible: (Draft) -> Bool, _ apply: (inout Draft, Int) -> Void) {
            let chosen = drafts.indices.filter { drafts[$0].fate == .settled && !drafts[$0].isRepeat && eligible(drafts[$0]) }
                .shuffled(using: &random).prefix(count)
            for (number, index) in chosen.enumerated() { apply(&drafts[index], number) }
        }
        let old = { (draft: Draft, days: Int64) in draft.ago > days * Plan.day }
        pick(quota.failures, where: { old($0, 25) }) { draft, number in draft.fate = .failed(litigation: number < quota.litigation) }
        let departmental: Set<CommonV1.DisputeCategory> = [.labourAndWorkInjury, .consumerAndCommercial, .propertyManagement, .medical, .landAndHomestead]
        pick(quota.multiDepartment, where: { old($0, 50) && departmental.contains($0.category) }) { draft, _ in draft.fate = .multiDepartment }
        pick(quota.relapses, where: { old($0, 70) && $0.level <= 2 }) { draft, _ in draft.fate = .relapse }
        pick(quota.tierOverrides, where: { old($0, 20) && (2...3).contains($0.level) && !$0.tierOverride }) { draft, _ in draft.tierOverride = true }
        pick(quota.regrades, where: { old($0, 20) && $0.level <= 2 && !$0.tierOverride }) { draft, _ in
            draft.regrade = true
            draft.level = Self.level(of: draft)
        }
    }
}
