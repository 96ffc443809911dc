import FengqiaoDomain
import FengqiaoMessages
import MediationDomain

/// The steps of one dispute, from filing to closing, each inside its stage's time limit
/// (docs/MEDIATION.md, "Stage time limits") unless the dispute is meant to stall; then cut at the
/// anchor, so a dispute reported lately is still being mediated.
extension StationBuilder {
    /// Where a dispute that settles is settled.
    enum Route: Equatable {
        /// In intervention, by the officer or the mediator who stepped in.
        case intervention
        /// In joint mediation at a handling level.
        case joint(MediationV1.HandlingLevel)
    }

    func dispute(_ draft: Draft, key: String, random: inout SeededRandom) -> Plan.Dispute {
        var route = Self.route(for: draft.level, random: &random)
        var filing: MediationV1.HandlingLevel = .onSite
        if draft.source == .referral {
            filing = .mediationCentre
        } else if draft.source == .walkIn, route == .joint(.workstation), Bool.random(using: &random) {
            filing = .workstation
        }
        if draft.fate == .multiDepartment { route = .joint(.multiDepartment) }

        var timeline = Timeline(reportedAt: anchor - draft.ago)
        switch draft.fate {
        case .settled, .multiDepartment:
            intervene(&timeline, draft, random: &random)
            settle(&timeline, draft, route: route, filing: filing, random: &random)
            followUp(&timeline, draft, relapse: false, stopAfterFirstVisit: false, random: &random)
        case .relapse:
            intervene(&timeline, draft, random: &random)
            settle(&timeline, draft, route: route, filing: filing, random: &random)
            followUp(&timeline, draft, relapse: true, stopAfterFirstVisit: false, random: &random)
        case .failed(let litigation):
            fail(&timeline, draft, litigation: litigation, filing: filing, random: &random)
        case .stalled(.screening):
            break
        case .stalled(.intervention):
            intervene(&timeline, draft, random: &random)
        case .stalled(.jointMediation):
            intervene(&timeline, draft, random: &random)
            enterJoint(&timeline, draft, at: .workstation, filing: filing, random: &random)
        case .stalled(.followUpVisit):
            intervene(&timeline, draft, random: &random)
            settle(&timeline, draft, route: .intervention, filing: filing, random: &random)
            followUp(&timeline, draft, relapse: false, stopAfterFirstVisit: true, random: &random)
        }

        var description = DisputeTexts.sourceLead(draft.source) + fill(draft.template.description, draft)
        if draft.riskFlags.contains(.massIncident) { description += draft.peopleInvolved >= 30 ? DisputeTexts.bigCrowd : DisputeTexts.crowd }
        if draft.riskFlags.contains(.violence) { description += fill(DisputeTexts.violence, draft) }
        if draft.riskFlags.contains(.vulnerableParty) && !draft.template.vulnerableApplicant { description += fill(DisputeTexts.vulnerable, draft) }
        if draft.isRepeat { description += "双方此前曾因类似问题经过调解。" }

        let reporter: Plan.Reporter =
            switch draft.source {
            case .informant: .informant(Int.random(in: 0..<100, using: &random))
            case .referral: .name(station.town.replacingOccurrences(of: "青山县", with: "") + "司法所")
            default: .caller
            }
        // Disputes are filed under a community or village: one in a compound or a scenic area goes to
        // the nearest of them, in the same police room when there is one.
        let filedUnder = filingPlace(for: draft.place)
        return Plan.Dispute(
            key: key, stationCode: station.code, placeCode: filedUnder.code, gridCode: filedUnder.gridCode, placeName: draft.place.name,
            category: draft.category, source: draft.source, handlingLevel: filing, parties: draft.parties, description: description,
            peopleInvolved: Int32(draft.peopleInvolved), riskFlags: draft.riskFlags, reporter: reporter, reportedAt: anchor - draft.ago,
            level: draft.level,
            // Only what happened before the anchor, with a margin for the clock between runs.
            steps: timeline.steps.filter { $0.at <= anchor - 10 * Plan.minute })
    }

    func filingPlace(for place: CountyPlan.Place) -> CountyPlan.Place {
        let filable: Set<RegistryV1.UnitKind> = [.community, .village]
        if filable.contains(place.kind) { return place }
        let room = station.rooms.first { room in room.grids.contains { $0.places.contains { $0.code == place.code } } }
        let sameRoom = room.map { $0.grids.flatMap(\.places) } ?? []
        return sameRoom.first { filable.contains($0.kind) } ?? station.places.first { filable.contains($0.kind) } ?? place
    }

    static func route(for level: Int, random: inout SeededRandom) -> Route {
        let roll = Int.random(in: 0..<100, using: &random)
        let bands: (Int, Int, Int) =
            switch level {
            case 1: (72, 82, 98)
            case 2: (50, 62, 92)
            case 3: (30, 40, 80)
            default: (10, 10, 55)
            }
        if roll < bands.0 { return .intervention }
        if roll < bands.1 { return .joint(.onSite) }
        if roll < bands.2 { return .joint(.workstation) }
        return .joint(.mediationCentre)
    }

    // MARK: Stages

    /// Screening to intervention: a mediator assigned (after a regrade, if any) and stepping in.
    private func intervene(_ timeline: inout Timeline, _ draft: Draft, random: inout SeededRandom) {
        // A call or a visit is taken up at once; what comes by chat, informant or referral within the
        // screening limit.
        let limit = MediationDomain.DisputeStage.screening.limit(level: draft.level)
        let at =
            switch draft.source {
            case .onSiteCall: timeline.instant(after: duration(5 * Plan.minute...40 * Plan.minute, using: &random), daytimeWithin: nil)
            case .walkIn, .patrolReport: timeline.instant(after: duration(10 * Plan.minute...2 * Plan.hour, using: &random), daytimeWithin: limit)
            default: timeline.instant(after: duration(limit * 3 / 20...limit * 9 / 20, using: &random), daytimeWithin: limit)
            }
        if draft.regrade { timeline.append(.regrade(level: Int32(draft.level), reason: DisputeTexts.raiseLevel), at: at - 2 * Plan.minute) }
        timeline.append(.assign(overrideReason: draft.tierOverride ? DisputeTexts.tierOverride : nil), at: at - Plan.minute)
        timeline.append(.advance(.intervention, note: DisputeTexts.intervention(draft.source)), at: at)
    }

    /// Intervention to joint mediation at `level`, escalated there when it is above where the
    /// dispute was filed, with co-mediators.
    private func enterJoint(
        _ timeline: inout Timeline, _ draft: Draft, at level: MediationV1.HandlingLevel, filing: MediationV1.HandlingLevel,
        random: inout SeededRandom
    ) {
        let limit = MediationDomain.DisputeStage.intervention.limit(level: draft.level)
        let at = timeline.instant(after: duration(Plan.hour...limit / 2, using: &random), daytimeWithin: limit)
        let (departments, other) = Self.departments(for: draft.category)
        let notes = DisputeTexts.joint[level.rawValue >= filing.rawValue ? level : filing] ?? DisputeTexts.joint[.onSite] ?? []
        var note = notes[Int.random(in: 0..<notes.count, using: &random)]
        if level == .multiDepartment { note = "启动多部门联合调解，" + Self.names(departments, other: other) + "共同参与" }
        let settle = duration(5 * Plan.minute...30 * Plan.minute, using: &random)
        if level.rawValue > filing.rawValue {
            let reason = DisputeTexts.escalation[level] ?? ""
            timeline.append(.escalate(level, departments: level == .multiDepartment ? departments : [], otherDepartment: level == .multiDepartment ? other : "",
                                      reason: reason), at: at)
            timeline.then(.advance(.jointMediation, note: note), after: settle)
        } else {
            timeline.append(.advance(.jointMediation, note: note), at: at)
        }
        timeline.then(.assignJoint(coMediators: Int.random(in: 1...2, using: &random)), after: duration(5 * Plan.minute...20 * Plan.minute, using: &random))
    }

    /// From intervention to the agreement, directly or through joint mediation.
    private func settle(
        _ timeline: inout Timeline, _ draft: Draft, route: Route, filing: MediationV1.HandlingLevel, random: inout SeededRandom
    ) {
        switch route {
        case .intervention:
            let limit = MediationDomain.DisputeStage.intervention.limit(level: draft.level)
            let onTheSpot = draft.source == .onSiteCall && draft.level <= 2
            let wait =
                onTheSpot ? duration(20 * Plan.minute...6 * Plan.hour, using: &random) : duration(2 * Plan.hour...limit * 6 / 10, using: &random)
            timeline.then(.agree(terms: fill(draft.template.terms, draft)), after: wait, daytimeWithin: onTheSpot ? nil : limit)
        case .joint(let level):
            enterJoint(&timeline, draft, at: level, filing: filing, random: &random)
            let limit = MediationDomain.DisputeStage.jointMediation.limit(level: draft.level)
            timeline.then(.agree(terms: fill(draft.template.terms, draft)), after: duration(Plan.day...limit * 6 / 10, using: &random), daytimeWithin: limit)
        }
    }

    /// Review, follow-up, the 7- and 30-day visits and closing; a relapse at the first visit
    /// reopens the dispute, which is settled again and followed up anew.
    private func followUp(_ timeline: inout Timeline, _ draft: Draft, relapse: Bool, stopAfterFirstVisit: Bool, random: inout SeededRandom) {
        let review = DisputeTexts.review[Int.random(in: 0..<DisputeTexts.review.count, using: &random)]
        let agreedOn = FollowUpSchedule.chinaDay(ofUnixMilliseconds: timeline.now)
        timeline.then(.advance(.review, note: fill(review, draft)), after: duration(2 * Plan.hour...40 * Plan.hour, using: &random), daytimeWithin: 72 * Plan.hour)
        timeline.then(.advance(.followUp, note: DisputeTexts.toFollowUp), after: duration(4 * Plan.hour...4 * Plan.day, using: &random),
                      daytimeWithin: 168 * Plan.hour)
        if relapse {
            timeline.on(agreedOn.adding(days: 7), .visit(relapsed: true, note: DisputeTexts.relapse), random: &random)
            let limit = MediationDomain.DisputeStage.intervention.limit(level: draft.level)
            timeline.then(.agree(terms: "补充协议：\n" + fill(draft.template.terms, draft)), after: duration(Plan.day...limit * 6 / 10, using: &random),
                          daytimeWithin: limit)
            followUp(&timeline, draft, relapse: false, stopAfterFirstVisit: stopAfterFirstVisit, random: &random)
            return
        }
        let stable = DisputeTexts.stable
        timeline.on(agreedOn.adding(days: 7), .visit(relapsed: false, note: stable[Int.random(in: 0..<stable.count, using: &random)]), random: &random)
        if stopAfterFirstVisit { return }
        timeline.on(agreedOn.adding(days: 30), .visit(relapsed: false, note: stable[Int.random(in: 0..<stable.count, using: &random)]), random: &random)
        // Follow-up has no time limit: closing waits for the day whenever it comes.
        timeline.then(.advance(.closed, note: DisputeTexts.closed), after: duration(Plan.hour...2 * Plan.day, using: &random), daytimeWithin: 365 * Plan.day)
    }

    /// Mediation failing in screening, intervention or joint mediation; then review and closing,
    /// and for some the parties directed to court.
    private func fail(
        _ timeline: inout Timeline, _ draft: Draft, litigation: Bool, filing: MediationV1.HandlingLevel, random: inout SeededRandom
    ) {
        let stage = weighted(
            litigation ? [(MediationDomain.DisputeStage.intervention, 1), (.jointMediation, 1)] : [(.screening, 15), (.intervention, 60), (.jointMediation, 25)],
            using: &random)
        var reason = weighted(
            litigation
                ? [(MediationV1.FailureReason.partyRefused, 1), (.noCommonGround, 1)]
                : [(.partyRefused, 40), (.noCommonGround, 35), (.outsideMediation, 15), (.partyUnreachable, 10)],
            using: &random)
        switch stage {
        case .screening:
            reason = .partyUnreachable
            let limit = stage.limit(level: draft.level)
            timeline.then(.fail(reason, detail: fill(DisputeTexts.failure[reason] ?? "", draft)), after: duration(limit * 3 / 10...limit * 8 / 10, using: &random),
                          daytimeWithin: limit)
        case .jointMediation:
            reason = litigation ? reason : .noCommonGround
            intervene(&timeline, draft, random: &random)
            enterJoint(&timeline, draft, at: .workstation, filing: filing, random: &random)
            let limit = stage.limit(level: draft.level)
            timeline.then(.fail(reason, detail: fill(DisputeTexts.failure[reason] ?? "", draft)), after: duration(limit * 3 / 10...limit * 6 / 10, using: &random),
                          daytimeWithin: limit)
        default:
            intervene(&timeline, draft, random: &random)
            let limit = MediationDomain.DisputeStage.intervention.limit(level: draft.level)
            timeline.then(.fail(reason, detail: fill(DisputeTexts.failure[reason] ?? "", draft)), after: duration(limit * 3 / 10...limit * 6 / 10, using: &random),
                          daytimeWithin: limit)
        }
        if litigation {
            timeline.then(.escalate(.litigation, departments: [], otherDepartment: "", reason: DisputeTexts.escalation[.litigation] ?? ""),
                          after: duration(Plan.hour...4 * Plan.hour, using: &random), daytimeWithin: 72 * Plan.hour)
        }
        timeline.then(.advance(.review, note: DisputeTexts.failedReview), after: duration(4 * Plan.hour...40 * Plan.hour, using: &random),
                      daytimeWithin: 72 * Plan.hour)
        timeline.then(.advance(.closed, note: DisputeTexts.closedAfterFailure), after: duration(Plan.day...5 * Plan.day, using: &random),
                      daytimeWithin: 168 * Plan.hour)
    }

    // MARK: Words

    static func departments(for category: CommonV1.DisputeCategory) -> ([MediationV1.Department], String) {
        switch category {
        case .labourAndWorkInjury: ([.labour], "")
        case .consumerAndCommercial: ([.marketSupervision], "")
        case .propertyManagement: ([.urbanManagement], "")
        case .medical: ([.other], "县卫生健康局")
        case .landAndHomestead: ([.court, .other], "镇人民政府")
        default: ([.court], "")
        }
    }

    static func names(_ departments: [MediationV1.Department], other: String) -> String {
        departments.map { department in
            switch department {
            case .court: "人民法庭"
            case .marketSupervision: "市场监管所"
            case .urbanManagement: "城管中队"
            case .labour: "劳动监察大队"
            default: other
            }
        }.joined(separator: "、")
    }

    /// A text with the parties named as police records name them (`刘某`), the place and the amount.
    func fill(_ text: String, _ draft: Draft) -> String {
        func surname(_ role: MediationV1.PartyRole) -> String {
            draft.parties.first { $0.role == role }.map { String($0.name.prefix(1)) } ?? "某"
        }
        var applicant = surname(.applicant) + "某"
        var respondent = surname(.respondent) + "某"
        if applicant == respondent {
            applicant += "甲"
            respondent += "乙"
        }
        return text.replacingOccurrences(of: "{甲}", with: applicant).replacingOccurrences(of: "{乙}", with: respondent)
            .replacingOccurrences(of: "{地}", with: draft.place.name).replacingOccurrences(of: "{金额}", with: String(draft.amount))
    }
}
