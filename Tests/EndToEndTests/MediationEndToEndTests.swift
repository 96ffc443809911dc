import FengqiaoAccess
import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import FengqiaoTestSupport
import Foundation
import MediationService
import Testing

/// The real `fengqiao-mediation` process, calling the real registry, over the real protocol.
extension RegistryCLITests {
    /// The code of a failed call.
    func code<T>(_ body: () async throws -> T) async -> RPCError.Code {
        do {
            _ = try await body()
            return .ok
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    /// The error of a call expected to fail.
    func failure<T>(_ body: () async throws -> T) async throws -> RPCError {
        do {
            _ = try await body()
        } catch let error as RPCError {
            return error
        }
        Issue.record("the call succeeded")
        return RPCError(.ok, "")
    }

    /// Filing to closing: grade, candidates, assignment, stages, escalation, agreement, visits.
    @Test func aDisputeGoesFromFilingToClosing() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer")

            // Filed: screening, on-site, graded 1 with the base rule, parties masked.
            let reportedAt = Int64(Date().timeIntervalSince1970 * 1000) - 3_600_000
            var dispute = try await mediation.fileDispute(fixture.filing(reportedAt: reportedAt), officer)
            #expect(dispute.version == 1)
            #expect(dispute.stationID == fixture.units["FQ"])
            #expect(dispute.stage == .screening && dispute.handlingLevel == .onSite)
            #expect(dispute.grade?.level == 1 && dispute.grade?.reasons.map(\.rule) == ["base"])
            #expect(dispute.parties.map(\.name) == ["刘某", "王某"])
            #expect(dispute.parties[0].phone == "139****1234")
            #expect(dispute.parties[0].nationalID == "330681********0018")
            #expect(dispute.parties.map(\.householdID) == [fixture.households[0], fixture.households[1]])
            #expect(dispute.reportedByPersonID == fixture.people["officer"])
            // Level 1 screening: 72 hours from the report (worked out from the time-limit table).
            #expect(dispute.dueAtMs == reportedAt + 72 * 3_600_000)
            #expect(!dispute.overdue)

            // Graded up by hand, with a reason; the suggestion stays 1.
            dispute = try await mediation.gradeDispute(
                .init(disputeID: dispute.id, expectedVersion: 1, overrideLevel: 3, overrideReason: "双方情绪激动，需所领导介入",
                      occurredAtMs: reportedAt + 60_000), officer)
            #expect(dispute.grade?.gradedAtMs == reportedAt + 60_000)
            #expect(dispute.version == 2 && dispute.grade?.level == 3 && dispute.grade?.suggestedLevel == 1 && dispute.grade?.overridden == true)
            #expect(dispute.dueAtMs == reportedAt + 24 * 3_600_000)

            // Candidates for level 3 (copper or better): gold and silver fit; the tin and iron ones do not.
            let candidates = try await mediation.listMediatorCandidates(.init(disputeID: dispute.id, limit: 10), officer).candidates
            let fits = Dictionary(uniqueKeysWithValues: candidates.compactMap { c in c.mediator.map { ($0.personID, c.tierFits) } })
            #expect(fits[fixture.people["老金"]!] == true && fits[fixture.people["老银"]!] == true && fits[fixture.people["老铁"]!] == false)

            dispute = try await mediation.assignMediator(
                .init(disputeID: dispute.id, expectedVersion: 2, leadPersonID: fixture.people["老银"]!,
                      coMediators: [.init(personID: fixture.people["陈法官"]!, role: .judicial, organisation: "枫桥法庭")], note: "银牌调解员牵头",
                      occurredAtMs: reportedAt + 120_000),
                officer)
            #expect(dispute.version == 3 && dispute.assignment?.assignedAtMs == reportedAt + 120_000)
            #expect(dispute.assignment?.leadName == "老银" && dispute.assignment?.leadTier == .silver && dispute.assignment?.tierFits == true)
            #expect(dispute.assignment?.coMediators.map(\.name) == ["陈法官"])
            // The registry now counts the case against 老银 (its ranking weighs open cases).
            func openCases() async throws -> Int32? {
                try await mediation.listMediatorCandidates(.init(disputeID: dispute.id, limit: 10), officer).candidates
                    .first { $0.mediator?.personID == fixture.people["老银"] }?.mediator?.openCases
            }
            #expect(try await openCases() == 1)

            dispute = try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 3, stage: .intervention, note: "民警赶赴现场", occurredAtMs: reportedAt + 600_000), officer)
            #expect(dispute.stage == .intervention && dispute.version == 4)
            dispute = try await mediation.escalateDispute(
                .init(disputeID: dispute.id, expectedVersion: 4, toLevel: .workstation, reason: "现场未能调解，移交调解工作站"), officer)
            #expect(dispute.handlingLevel == .workstation && !dispute.escalatedBeyondStation)
            // The assigned mediator moves it on (a mediator may move what they mediate).
            let mediator = fixture.options("mediator")
            dispute = try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 5, stage: .jointMediation, note: "联合法庭调解", occurredAtMs: reportedAt + 1_200_000), mediator)
            #expect(dispute.stage == .jointMediation)

            // The agreement binds both parties and schedules visits 7 and 30 days after signing.
            let signed = reportedAt + 1_800_000
            dispute = try await mediation.recordAgreement(
                .init(disputeID: dispute.id, expectedVersion: 6, terms: "王家加装接水槽，刘家撤回投诉", consentingPartyIDs: dispute.parties.map(\.id),
                      signedAtMs: signed), mediator)
            #expect(dispute.stage == .agreed && dispute.agreement != nil)
            #expect(try await openCases() == 0)
            let signedDay = chinaDay(signed)
            #expect(dispute.nextFollowUpDate == date(signedDay, plus: 7))
            dispute = try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 7, stage: .review, note: "评晒会通报"), officer)
            dispute = try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 8, stage: .followUp, note: "进入回访"), officer)

            // Closing waits for both visits.
            let early = try await failure {
                try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 9, stage: .closed, note: "结案"), officer)
            }
            #expect(early.code == .failedPrecondition && early.message.contains("2 follow-up visits are still pending"))
            var history = try #require(try await mediation.getDispute(.init(id: dispute.id), officer).history)
            let visits = history.followUps.map(\.id)
            #expect(history.followUps.map(\.dueDate) == [date(signedDay, plus: 7), date(signedDay, plus: 30)])
            var version = dispute.version
            for visit in visits {
                dispute = try await mediation.recordFollowUp(
                    .init(disputeID: dispute.id, expectedVersion: version, followUpID: visit, result: .stable, note: "双方相处融洽"), mediator)
                version = dispute.version
            }
            #expect(dispute.nextFollowUpDate == nil)
            dispute = try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: version, stage: .closed, note: "结案"), officer)
            #expect(dispute.stage == .closed && dispute.dueAtMs == 0)

            history = try #require(try await mediation.getDispute(.init(id: dispute.id), officer).history)
            #expect(history.grades.map(\.level) == [1, 3])
            #expect(history.stageMoves.map(\.toStage) == [.intervention, .jointMediation, .agreed, .review, .followUp, .closed])
            #expect(history.stageMoves.map(\.version) == [4, 6, 7, 8, 9, 12])
            #expect(history.escalations.map(\.toLevel) == [.workstation])
            #expect(history.followUps.allSatisfy { $0.result == .stable })
            #expect(history.assignments.count == 1 && history.agreements.count == 1)
            #expect(dispute.version == 12)
        }
    }

    func chinaDay(_ milliseconds: Int64) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        return calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// A day some days after another, by Foundation's calendar (not the service's).
    func date(_ day: DateComponents, plus days: Int) -> CommonV1.Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let next = calendar.date(byAdding: .day, value: days, to: calendar.date(from: day)!)!
        let parts = calendar.dateComponents([.year, .month, .day], from: next)
        return CommonV1.Date(year: Int32(parts.year!), month: Int32(parts.month!), day: Int32(parts.day!))
    }
}
