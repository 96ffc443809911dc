import FengqiaoTestSupport
import Foundation
import FengqiaoMessages
import Testing

/// A dispute's whole life through the real `fengqiao` binary, against the real services.
extension RegistryCLITests {
    @Test func aDisputesLifeThroughTheCommandLine() async throws {
        try await withMediation { fixture in
            func cli(_ arguments: [String], as name: String = "officer") async throws -> CommandResult {
                try await runCommand(BuiltProduct.path("fengqiao"), arguments, environment: [
                    "FENGQIAO_REGISTRY_ADDR": "127.0.0.1:\(fixture.registry.port)",
                    "FENGQIAO_MEDIATION_ADDR": "127.0.0.1:\(fixture.mediationPort)", "FENGQIAO_TOKEN": fixture.tokens[name]!,
                ])
            }
            func object(_ result: CommandResult) throws -> [String: Any] {
                try #require(result.status == 0, "exit \(result.status): \(result.standardError)")
                return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            }
            let filed = try object(try await cli([
                "dispute", "file", "--source", "walk-in", "--category", "land-and-homestead", "--community", "FQ-V1", "--grid", "FQ-G1",
                "--description", "两户因宅基地界线争执", "--people", "6",
                "--party", "name=刘建国,role=applicant,phone=13957501234,resident=\(fixture.residents[0])",
                "--party", "name=王秀英,role=respondent,resident=\(fixture.residents[2])", "--idempotency-key", "cli-1", "--json",
            ]))
            let id = try #require(filed["id"] as? Int)
            // 6 people (people_5, level 2) on a homestead boundary (level 2): level 2.
            #expect((filed["grade"] as? [String: Any])?["level"] as? Int == 2)
            #expect((filed["parties"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["刘某", "王某"])
            // The same key again: the same dispute.
            let again = try object(try await cli([
                "dispute", "file", "--source", "walk-in", "--category", "land-and-homestead", "--community", "FQ-V1", "--grid", "FQ-G1",
                "--description", "两户因宅基地界线争执", "--people", "6",
                "--party", "name=刘建国,role=applicant,phone=13957501234,resident=\(fixture.residents[0])",
                "--party", "name=王秀英,role=respondent,resident=\(fixture.residents[2])", "--idempotency-key", "cli-1", "--json",
            ]))
            #expect(again["id"] as? Int == id)

            let candidates = try await cli(["dispute", "candidates", "\(id)"])
            #expect(candidates.status == 0 && candidates.standardOutput.contains("老金") && candidates.standardOutput.contains("老银"))
            var version = 1
            func step(_ arguments: [String], as name: String = "officer") async throws -> [String: Any] {
                let answer = try object(try await cli(["dispute"] + arguments + ["--expected-version", "\(version)", "--json"], as: name))
                version = try #require(answer["version"] as? Int)
                return answer
            }
            _ = try await step(["assign", "\(id)", "--lead", "\(fixture.people["老银"]!)", "--co", "person=\(fixture.people["陈法官"]!),role=judicial,org=枫桥法庭"])
            _ = try await step(["advance", "\(id)", "--to", "intervention", "--note", "民警与调解员到场"])
            let stale = try await cli(["dispute", "advance", "\(id)", "--to", "joint-mediation", "--note", "x", "--expected-version", "1"])
            #expect(stale.status == 1 && stale.standardError.contains("ABORTED"))
            _ = try await step(["escalate", "\(id)", "--to", "mediation-centre", "--reason", "现场未能调解，移交调解中心"])
            let agreed = try await step(["agree", "\(id)", "--terms", "重新明确界线，双方各退半米", "--all-parties"], as: "mediator")
            #expect(agreed["stage"] as? String == "agreed")
            _ = try await step(["advance", "\(id)", "--to", "review", "--note", "评晒会通报"])
            _ = try await step(["advance", "\(id)", "--to", "follow-up", "--note", "进入回访"])
            for _ in 0..<2 { _ = try await step(["followup", "\(id)", "--result", "stable", "--note", "界线清楚，相安无事"], as: "mediator") }
            let closed = try await step(["advance", "\(id)", "--to", "closed", "--note", "结案"])
            #expect(closed["stage"] as? String == "closed")

            let shown = try await cli(["dispute", "show", "\(id)"])
            #expect(shown.status == 0)
            for text in ["刘某", "老银", "mediation-centre", "stable", "结案"] { #expect(shown.standardOutput.contains(text), "\(text)") }
            #expect(!shown.standardOutput.contains("13957501234"))
            let listed = try await cli(["dispute", "list", "--station", "FQ", "--stage", "closed"])
            #expect(listed.status == 0 && listed.standardOutput.contains("\(id)"))
            let otherStation = try await cli(["dispute", "show", "\(id)"], as: "other-officer")
            #expect(otherStation.status == 1 && otherStation.standardError.contains("NOT_FOUND"))
            let csv = try await cli(["dispute", "export", "--format", "csv"])
            #expect(csv.status == 0)
            let lines = csv.standardOutput.split(whereSeparator: \.isNewline)  // CRLF, as RFC 4180 has it
            #expect(lines.count == 2 && lines[1].hasPrefix("\(id),"), "\(csv.standardOutput)")
            let badLevel = try await cli(["dispute", "list", "--level", "9"])
            #expect(badLevel.status == 64 && badLevel.standardError.contains("--level"))
        }
    }
}

extension RegistryCLITests {
    /// The service says what it lacks instead of starting half-configured.
    @Test func mediationRefusesToStartWithoutWhatItNeeds() async throws {
        let base = [
            "FENGQIAO_DATABASE_URL": "postgres://nobody@127.0.0.1:1/fengqiao", "FENGQIAO_SERVICE_TOKEN": "fq_1_" + String(repeating: "A", count: 43),
            "FENGQIAO_PII_KEYS": TestPersonalData.keys,
        ]
        for (change, message) in [
            (["FENGQIAO_SERVICE_TOKEN": ""], "FENGQIAO_SERVICE_TOKEN_FILE"),
            (["FENGQIAO_PII_KEYS": ""], "personal-data keys"),
            (["FENGQIAO_MEDIATION_FOLLOW_UP_DAYS": "30,7"], "FENGQIAO_MEDIATION_FOLLOW_UP_DAYS"),
            (["FENGQIAO_REGISTRY_ADDR": "registry"], "FENGQIAO_REGISTRY_ADDR"),
        ] {
            let result = try await runCommand(BuiltProduct.path("fengqiao-mediation"), [], environment: base.merging(change) { $1 })
            #expect(result.status == 64, "\(change): \(result.standardError)")
            #expect(result.standardError.contains(message), "\(change): \(result.standardError)")
        }
    }

    /// A deployment's own follow-up schedule: visits 3 and 14 days after signing.
    @Test func aConfiguredFollowUpScheduleIsUsed() async throws {
        try await withMediation(extraEnvironment: ["FENGQIAO_MEDIATION_FOLLOW_UP_DAYS": "3,14"]) { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer")
            var dispute = try await mediation.fileDispute(fixture.filing(parties: Self.strangers), officer)
            dispute = try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 1, stage: .intervention, note: "介入"), officer)
            let signed = Int64(Date().timeIntervalSince1970 * 1000)
            dispute = try await mediation.recordAgreement(
                .init(disputeID: dispute.id, expectedVersion: 2, terms: "和解", consentingPartyIDs: dispute.parties.map(\.id), signedAtMs: signed), officer)
            let visits = try await mediation.getDispute(.init(id: dispute.id), officer).history?.followUps.map(\.dueDate) ?? []
            #expect(visits == [date(chinaDay(signed), plus: 3), date(chinaDay(signed), plus: 14)])
        }
    }
}
