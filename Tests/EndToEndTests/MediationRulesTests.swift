import FengqiaoAccess
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoTestSupport
import Foundation
import Testing

/// Mediation's rules through the running service: stage moves, versions, idempotent filing, bad
/// input, grading, tier fit, conflicts of interest, escalation and relapses.
extension RegistryCLITests {
    /// Parties known by name only: they never make a dispute a repeat.
    static let strangers: [MediationV1.PartyInput] = [.init(name: "甲某人", role: .applicant), .init(name: "乙某人", role: .respondent)]

    @Test func illegalMovesConcurrentMovesIdempotentFilingAndBadInput() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer")
            let dispute = try await mediation.fileDispute(fixture.filing(parties: Self.strangers), officer)

            // From screening only intervention (AdvanceStage) and failed (RecordFailure) are legal.
            for (stage, name) in [
                (MediationV1.DisputeStage.screening, "screening"), (.jointMediation, "joint mediation"), (.agreed, "agreed"), (.failed, "failed"),
                (.review, "review"), (.followUp, "follow-up"), (.closed, "closed"),
            ] {
                let refused = try await failure {
                    try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 1, stage: stage, note: "试图跳步"), officer)
                }
                #expect(refused.code == .failedPrecondition, "\(name)")
                #expect(refused.message.hasPrefix("cannot move a dispute from screening to \(name)"), "\(refused.message)")
                #expect(refused.fieldViolations.map(\.field) == ["stage"])
            }
            let agreedByAdvance = try await failure {
                try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 1, stage: .agreed, note: "x"), officer)
            }
            #expect(agreedByAdvance.message.contains("RecordAgreement") == false)  // screening → agreed is no move at all
            // An agreement needs a mediator to have stepped in: not from screening.
            let early = try await failure {
                try await mediation.recordAgreement(
                    .init(disputeID: dispute.id, expectedVersion: 1, terms: "x", consentingPartyIDs: dispute.parties.map(\.id)), officer)
            }
            #expect(early.code == .failedPrecondition && early.message.contains("from screening to agreed"))

            // Two officers move the same version at once: one wins, the other is told to read again.
            async let first = code { try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 1, stage: .intervention, note: "甲"), officer) }
            async let second = code { try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 1, stage: .intervention, note: "乙"), officer) }
            let codes = await [first, second]
            #expect(codes.sorted { $0.rawValue < $1.rawValue } == [.ok, .aborted])
            let history = try await mediation.getDispute(.init(id: dispute.id), officer)
            #expect(history.dispute?.version == 2 && history.history?.stageMoves.count == 1)
            let stale = try await failure {
                try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 1, stage: .jointMediation, note: "x"), officer)
            }
            #expect(stale.code == .aborted && stale.fieldViolations.map(\.field) == ["expected_version"])

            // Filing again with the same key and content answers the same dispute; other content is refused.
            let request = fixture.filing(parties: Self.strangers, key: "retry-key-1")
            let once = try await mediation.fileDispute(request, officer)
            async let again = mediation.fileDispute(request, officer)
            async let andAgain = mediation.fileDispute(request, officer)
            #expect(try await [again.id, andAgain.id] == [once.id, once.id])
            var changed = request
            changed.description = "另一件事"
            let reused = try await failure { try await mediation.fileDispute(changed, officer) }
            #expect(reused.code == .alreadyExists && reused.fieldViolations.map(\.field) == ["idempotency_key"])
            #expect(try await fixture.count("mediation.dispute") == 2)

            // Bad input names every bad field and stores nothing.
            let empty = try await failure { try await mediation.fileDispute(.init(), officer) }
            #expect(empty.code == .invalidArgument)
            #expect(Set(empty.fieldViolations.map(\.field)).isSuperset(of: [
                "idempotency_key", "source", "category", "parties", "community_id", "description", "people_involved",
            ]))
            var bad = fixture.filing()
            bad.parties[0].phone = "12345"
            bad.parties[1].nationalID = "330681196503120019"
            bad.peopleInvolved = 1
            bad.riskFlags = [.violence, .violence]
            let badFields = try await failure { try await mediation.fileDispute(bad, officer) }
            #expect(Set(badFields.fieldViolations.map(\.field)) == [
                "parties[0].phone", "parties[1].national_id", "people_involved", "risk_flags[1]",
            ])
            var unknown = fixture.filing()
            unknown.communityID = 99_999
            let missing = try await failure { try await mediation.fileDispute(unknown, officer) }
            #expect(missing.code == .notFound && missing.fieldViolations.map(\.field) == ["community_id"], "\(missing)")
            var otherStation = fixture.filing()
            otherStation.parties[1].residentID = fixture.residents[3]
            let foreign = try await failure { try await mediation.fileDispute(otherStation, officer) }
            #expect(foreign.code == .notFound && foreign.fieldViolations.map(\.field) == ["parties[1].resident_id"])
            #expect(try await fixture.count("mediation.dispute") == 2)
            #expect(try await fixture.count("mediation.party") == 4)
        }
    }

    /// Each grading rule, with levels and reasons worked out from the table in docs/MEDIATION.md.
    @Test func disputesAreGradedByTheRuleTable() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer")
            let cases: [(CommonV1.DisputeCategory, Int32, [MediationV1.RiskFlag], Int32, [String])] = [
                (.neighbours, 2, [], 1, ["base"]),
                (.neighbours, 5, [], 2, ["people_5"]),
                (.medical, 12, [], 3, ["people_10", "medical"]),
                (.landAndHomestead, 32, [.massIncident, .violence], 5,
                 ["people_30", "land_and_homestead", "mass_incident", "violence", "mass_incident_and_violence"]),
                (.labourAndWorkInjury, 6, [], 3, ["people_5", "labour_and_work_injury"]),
                (.neighbours, 2, [.massIncident, .vulnerableParty], 4, ["vulnerable_party", "mass_incident"]),
                (.familyAndMarriage, 2, [.violence, .vulnerableParty], 5, ["vulnerable_party", "violence", "violence_and_vulnerable_party"]),
                (.debts, 50, [], 5, ["people_50"]),
                (.landAndHomestead, 2, [], 2, ["land_and_homestead"]),
            ]
            for (category, people, flags, level, reasons) in cases {
                let dispute = try await mediation.fileDispute(
                    fixture.filing(category: category, people: people, flags: flags, parties: Self.strangers), officer)
                #expect(dispute.grade?.level == level && dispute.grade?.suggestedLevel == level, "\(category) \(people) \(flags)")
                #expect(dispute.grade?.reasons.map(\.rule) == reasons, "\(category) \(people) \(flags)")
            }
            // The same residents again within 180 days is a repeat (level 3); 190 days apart is not.
            let day: Int64 = 86_400_000
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let long = try await mediation.fileDispute(fixture.filing(reportedAt: now - 200 * day), officer)
            let later = try await mediation.fileDispute(fixture.filing(reportedAt: now - 10 * day), officer)
            let repeated = try await mediation.fileDispute(fixture.filing(reportedAt: now), officer)
            #expect(long.grade?.level == 1 && later.grade?.level == 1 && later.grade?.repeatOfDisputeID == 0)
            #expect(repeated.grade?.level == 3 && repeated.grade?.reasons.map(\.rule) == ["repeat_180_days"])
            #expect(repeated.grade?.repeatOfDisputeID == later.id)

            // Regrading with new facts takes the new suggestion; an override needs a reason, and keeps both.
            let regraded = try await mediation.gradeDispute(
                .init(disputeID: long.id, expectedVersion: 1, peopleInvolved: 11, riskFlags: .init(flags: [.violence])), officer)
            #expect(regraded.grade?.level == 4 && regraded.grade?.reasons.map(\.rule) == ["people_10", "violence"])
            let noReason = try await failure {
                try await mediation.gradeDispute(.init(disputeID: long.id, expectedVersion: 2, overrideLevel: 2), officer)
            }
            #expect(noReason.code == .invalidArgument && noReason.fieldViolations.map(\.field) == ["override_reason"])
            let overridden = try await mediation.gradeDispute(
                .init(disputeID: long.id, expectedVersion: 2, overrideLevel: 2, overrideReason: "双方已和解意向明确"), officer)
            #expect(overridden.grade?.level == 2 && overridden.grade?.suggestedLevel == 4 && overridden.grade?.overrideReason == "双方已和解意向明确")
            let history = try await mediation.getDispute(.init(id: long.id), officer).history
            #expect(history?.grades.map(\.level) == [1, 4, 2])
        }
    }

    @Test func leadsMustFitTheLevelAndNoMediatorMayBeAPartyOrLiveWithOne() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer")
            // Level 5 needs gold.
            let grave = try await mediation.fileDispute(fixture.filing(people: 60, parties: Self.strangers), officer)
            #expect(grave.grade?.level == 5)
            let silver = try await failure {
                try await mediation.assignMediator(.init(disputeID: grave.id, expectedVersion: 1, leadPersonID: fixture.people["老银"]!), officer)
            }
            #expect(silver.code == .failedPrecondition && silver.fieldViolations.map(\.field) == ["lead_person_id"])
            #expect(silver.message == "a silver mediator may not lead a level 5 dispute, which needs gold or better, without tier_override_reason")
            let goldWithReason = try await failure {
                try await mediation.assignMediator(
                    .init(disputeID: grave.id, expectedVersion: 1, leadPersonID: fixture.people["老金"]!, tierOverrideReason: "无需理由却给了"), officer)
            }
            #expect(goldWithReason.code == .failedPrecondition && goldWithReason.fieldViolations.map(\.field) == ["tier_override_reason"])
            let overridden = try await mediation.assignMediator(
                .init(disputeID: grave.id, expectedVersion: 1, leadPersonID: fixture.people["老银"]!, tierOverrideReason: "金牌调解员外出培训"), officer)
            #expect(overridden.assignment?.tierFits == false && overridden.assignment?.tierOverrideReason == "金牌调解员外出培训")
            // A new assignment ends the previous one.
            let gold = try await mediation.assignMediator(.init(disputeID: grave.id, expectedVersion: 2, leadPersonID: fixture.people["老金"]!), officer)
            #expect(gold.assignment?.tierFits == true)
            let assignments = try await mediation.getDispute(.init(id: grave.id), officer).history?.assignments ?? []
            #expect(assignments.count == 2 && assignments[0].endedAtMs != 0 && assignments[1].endedAtMs == 0)

            // 老锡 lives in the household of resident 0 (the applicant); 老铁 is a party himself.
            var parties = fixture.filing().parties
            parties.append(.init(name: "老铁", role: .respondent, personID: fixture.people["老铁"]!))
            let neighbours = try await mediation.fileDispute(fixture.filing(people: 3, parties: parties), officer)
            let household = try await failure {
                try await mediation.assignMediator(
                    .init(disputeID: neighbours.id, expectedVersion: 1, leadPersonID: fixture.people["老锡"]!, tierOverrideReason: "熟悉情况"), officer)
            }
            #expect(household.code == .failedPrecondition && household.fieldViolations.map(\.field) == ["lead_person_id"])
            #expect(household.message == "the mediator lives in the household of a party (parties[0])")
            let party = try await failure {
                try await mediation.assignMediator(
                    .init(disputeID: neighbours.id, expectedVersion: 1, leadPersonID: fixture.people["老金"]!,
                          coMediators: [.init(personID: fixture.people["老铁"]!, role: .fiveElders)]), officer)
            }
            #expect(party.fieldViolations.map(\.field) == ["co_mediators[0].person_id"])
            #expect(party.message == "the mediator is a party (parties[2])")
            // Someone who is not a mediator candidate cannot lead.
            let stranger = try await failure {
                try await mediation.assignMediator(.init(disputeID: neighbours.id, expectedVersion: 1, leadPersonID: fixture.people["陈法官"]!), officer)
            }
            #expect(stranger.code == .failedPrecondition && stranger.message.contains("not among the registry's mediator candidates"))
            #expect(try await fixture.count("mediation.assignment") == 2)
        }
    }

    @Test func escalationGoesUpOnlyAndRelapsesReopenOrLink() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer")
            var dispute = try await mediation.fileDispute(fixture.filing(parties: Self.strangers), officer)
            let noDepartments = try await failure {
                try await mediation.escalateDispute(.init(disputeID: dispute.id, expectedVersion: 1, toLevel: .multiDepartment, reason: "需多部门"), officer)
            }
            #expect(noDepartments.code == .invalidArgument && noDepartments.fieldViolations.map(\.field) == ["departments"])
            let toCourt = try await failure {
                try await mediation.escalateDispute(.init(disputeID: dispute.id, expectedVersion: 1, toLevel: .litigation, reason: "引导诉讼"), officer)
            }
            #expect(toCourt.code == .failedPrecondition && toCourt.message.contains("only a failed dispute goes to litigation"))
            for level in [MediationV1.HandlingLevel.workstation, .mediationCentre] {
                dispute = try await mediation.escalateDispute(.init(disputeID: dispute.id, expectedVersion: dispute.version, toLevel: level, reason: "逐级上移"), officer)
            }
            let down = try await failure {
                try await mediation.escalateDispute(.init(disputeID: dispute.id, expectedVersion: dispute.version, toLevel: .workstation, reason: "退回工作站处理"), officer)
            }
            #expect(down.code == .failedPrecondition && down.message.contains("escalation only goes up"), "\(down)")
            dispute = try await mediation.escalateDispute(
                .init(disputeID: dispute.id, expectedVersion: dispute.version, toLevel: .multiDepartment, departments: [.court, .other],
                      otherDepartment: "镇政府", reason: "宅基地界线需镇政府与法庭共同确认"), officer)
            #expect(dispute.handlingLevel == .multiDepartment && dispute.escalatedBeyondStation)
            dispute = try await mediation.recordFailure(
                .init(disputeID: dispute.id, expectedVersion: dispute.version, reason: .noCommonGround, detail: "赔偿金额分歧过大"), officer)
            dispute = try await mediation.escalateDispute(
                .init(disputeID: dispute.id, expectedVersion: dispute.version, toLevel: .litigation, reason: "引导当事人诉讼"), officer)
            #expect(dispute.stage == .failed && dispute.handlingLevel == .litigation && dispute.failure?.reason == .noCommonGround)
            let escalations = try await mediation.getDispute(.init(id: dispute.id), officer).history?.escalations ?? []
            #expect(escalations.map(\.toLevel) == [.workstation, .mediationCentre, .multiDepartment, .litigation])
            #expect(escalations.map(\.beyondStation) == [false, false, true, true])
            #expect(escalations[2].departments == [.court, .other] && escalations[2].otherDepartment == "镇政府")
            let beyond = try await mediation.listDisputes(.init(filter: .init(escalatedBeyondStationOnly: true)), officer)
            #expect(beyond.disputes.map(\.id) == [dispute.id])

            // A relapse found on a visit reopens the dispute: back to intervention, the agreement superseded, visits cancelled.
            func agreed() async throws -> MediationV1.Dispute {
                var d = try await mediation.fileDispute(fixture.filing(parties: Self.strangers), officer)
                d = try await mediation.advanceStage(.init(disputeID: d.id, expectedVersion: 1, stage: .intervention, note: "介入"), officer)
                return try await mediation.recordAgreement(
                    .init(disputeID: d.id, expectedVersion: 2, terms: "赔偿两千元", consentingPartyIDs: d.parties.map(\.id)), officer)
            }
            var reopened = try await agreed()
            var visits = try await mediation.getDispute(.init(id: reopened.id), officer).history?.followUps ?? []
            let noNote = try await failure {
                try await mediation.recordFollowUp(
                    .init(disputeID: reopened.id, expectedVersion: 3, followUpID: visits[0].id, result: .relapsed, relapseAction: .reopen), officer)
            }
            #expect(noNote.code == .invalidArgument && noNote.fieldViolations.map(\.field) == ["note"])
            reopened = try await mediation.recordFollowUp(
                .init(disputeID: reopened.id, expectedVersion: 3, followUpID: visits[0].id, result: .relapsed, note: "界桩被挪动，再起争执",
                      relapseAction: .reopen), officer)
            #expect(reopened.stage == .intervention && reopened.agreement == nil && reopened.nextFollowUpDate == nil)
            let after = try #require(try await mediation.getDispute(.init(id: reopened.id), officer).history)
            #expect(after.agreements.count == 1 && after.agreements[0].supersededAtMs != 0)
            #expect(after.followUps.map(\.result) == [.relapsed, .unspecified] && after.followUps.map(\.cancelled) == [false, true])
            #expect(after.stageMoves.last?.toStage == .intervention && after.stageMoves.last?.note == "RecordFollowUp")

            // Or a new dispute filed for the relapse is linked both ways, and this one stays where it is.
            let linked = try await agreed()
            let relapse = try await mediation.fileDispute(fixture.filing(parties: Self.strangers), officer)
            visits = try await mediation.getDispute(.init(id: linked.id), officer).history?.followUps ?? []
            let kept = try await mediation.recordFollowUp(
                .init(disputeID: linked.id, expectedVersion: 3, followUpID: visits[0].id, result: .relapsed, note: "另起新纠纷",
                      relapseAction: .linkNewDispute, newDisputeID: relapse.id), officer)
            #expect(kept.stage == .agreed && kept.relatedDisputeIDs == [relapse.id] && kept.agreement != nil)
            #expect(try await mediation.getDispute(.init(id: relapse.id), officer).dispute?.relatedDisputeIDs == [linked.id])
            let twice = try await failure {
                try await mediation.recordFollowUp(
                    .init(disputeID: linked.id, expectedVersion: kept.version, followUpID: visits[0].id, result: .stable), officer)
            }
            #expect(twice.code == .failedPrecondition && twice.fieldViolations.map(\.field) == ["follow_up_id"])
        }
    }
}

extension RegistryCLITests {
    /// Lists by each filter, page by page; the export streams every match; overdue disputes come
    /// earliest due first, by the time-limit table.
    @Test func disputesAreListedExportedAndFoundOverdue() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer"), admin = fixture.options("admin")
            let hour: Int64 = 3_600_000
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            // (category, people, reported hours ago): levels 1, 2, 3, 5, 1.
            let plan: [(CommonV1.DisputeCategory, Int32, Int64)] = [
                (.neighbours, 2, 100), (.landAndHomestead, 2, 30), (.medical, 2, 30), (.debts, 50, 3), (.traffic, 2, 1),
            ]
            var ids: [Int64] = []
            for (category, people, ago) in plan {
                ids.append(try await mediation.fileDispute(
                    fixture.filing(category: category, people: people, parties: Self.strangers, reportedAt: now - ago * hour), officer).id)
            }
            func list(_ filter: MediationV1.DisputeFilter) async throws -> [Int64] {
                try await mediation.listDisputes(.init(filter: filter), admin).disputes.map(\.id)
            }
            #expect(try await list(.init()) == ids)
            #expect(try await list(.init(levels: [1])) == [ids[0], ids[4]])
            #expect(try await list(.init(levels: [2, 3])) == [ids[1], ids[2]])
            #expect(try await list(.init(categories: [.medical, .debts])) == [ids[2], ids[3]])
            #expect(try await list(.init(reportedSinceMs: now - 31 * hour, reportedUntilMs: now - 2 * hour)) == [ids[1], ids[2], ids[3]])
            #expect(try await list(.init(unitID: fixture.units["FQ-G1"]!)) == ids)
            #expect(try await list(.init(unitID: fixture.units["XS"]!)).isEmpty)
            // Screening limits by level (72, 48, 24, 2 hours): 100 h at level 1, 30 h at level 3 and 3 h at level 5
            // are overdue; 30 h at level 2 and 1 h at level 1 are not.
            #expect(try await list(.init(overdueOnly: true)) == [ids[0], ids[2], ids[3]])
            _ = try await mediation.advanceStage(.init(disputeID: ids[1], expectedVersion: 1, stage: .intervention, note: "介入"), officer)
            #expect(try await list(.init(stages: [.screening])) == [ids[0], ids[2], ids[3], ids[4]])
            #expect(try await list(.init(stages: [.intervention], overdueOnly: true)).isEmpty)

            // Two at a time, the pages together are the whole list.
            var seen: [Int64] = []
            var token = ""
            var pages = 0
            repeat {
                let page = try await mediation.listDisputes(.init(page: .init(pageSize: 2, pageToken: token)), admin)
                seen += page.disputes.map(\.id)
                token = page.page?.nextPageToken ?? ""
                pages += 1
            } while !token.isEmpty && pages < 10
            #expect(seen == ids && pages == 3)
            #expect(await code { try await mediation.listDisputes(.init(page: .init(pageToken: "nonsense")), admin) } == .invalidArgument)

            var exported: [Int64] = []
            for try await dispute in try await mediation.exportDisputes(.init(filter: .init(levels: [1, 5])), admin) { exported.append(dispute.id) }
            #expect(exported == [ids[0], ids[3], ids[4]])

            // Overdue: due = reported + limit; most overdue first. ids[0]: due 28 h ago; ids[2]: 6 h ago; ids[3]: 1 h ago.
            let overdue = try await mediation.listOverdueDisputes(.init(asOfMs: now), admin)
            #expect(overdue.disputes.map { $0.dispute?.id ?? 0 } == [ids[0], ids[2], ids[3]])
            #expect(overdue.disputes.map(\.limitHours) == [72, 24, 2])
            #expect(overdue.disputes.map(\.overdueByMs) == [28 * hour, 6 * hour, 1 * hour])
            let firstPage = try await mediation.listOverdueDisputes(.init(asOfMs: now, page: .init(pageSize: 2)), admin)
            let secondPage = try await mediation.listOverdueDisputes(
                .init(asOfMs: now, page: .init(pageSize: 2, pageToken: firstPage.page?.nextPageToken ?? "")), admin)
            #expect((firstPage.disputes + secondPage.disputes).map { $0.dispute?.id ?? 0 } == [ids[0], ids[2], ids[3]])
            #expect(secondPage.page?.nextPageToken == "")
            // Judged a day earlier, only the first was already late.
            #expect(try await mediation.listOverdueDisputes(.init(asOfMs: now - 24 * hour), admin).disputes.map { $0.dispute?.id ?? 0 } == [ids[0]])
        }
    }
}
