import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoRPC
import FengqiaoTestSupport
import Foundation
import Testing

/// Personal data and the audit trail against the real registry process and the real CLI.
extension RegistryCLITests {
    /// ID numbers (check characters computed by hand from GB 11643's weights) and phone numbers used
    /// only here, so that finding one anywhere means it leaked.
    static let idNumbers = ["330681196503120018", "330681197811050028", "330681198802280037", "330681195907070040", "33068119830630006X"]
    static let phones = ["13957501234", "13857502345", "15857503456", "18657504567", "13705755678"]

    /// A county with two stations, a village in the first, and tokens for the given roles of the first
    /// station (and `other-officer` of the second).
    func withTwoStations(
        logLevel: String = "info", _ body: (RunningRegistry, _ tokens: [String: String], _ credentialIDs: [String: Int]) async throws -> Void
    ) async throws {
        try await withRunningRegistry(logLevel: logLevel) { registry in
            _ = try await registry.cli(["unit", "create", "--code", "QS", "--name", "青山县公安局", "--kind", "bureau"])
            _ = try await registry.cli(["unit", "create", "--code", "FQ", "--name", "枫桥派出所", "--kind", "station", "--parent", "QS"])
            _ = try await registry.cli(["unit", "create", "--code", "XS", "--name", "西山派出所", "--kind", "station", "--parent", "QS"])
            _ = try await registry.cli(["unit", "create", "--code", "FQ-V1", "--name", "枫源村", "--kind", "village", "--parent", "FQ"])
            var tokens: [String: String] = [:], ids: [String: Int] = [:]
            for (name, role, station) in [
                ("officer", "officer", "FQ"), ("station-admin", "station-admin", "FQ"), ("mediator", "mediator", "FQ"),
                ("other-officer", "officer", "XS"), ("analyst", "analyst", ""),
            ] {
                let person = try firstID(try await registry.cli([
                    "person", "add", "--name", "测试\(name)", "--kind", role == "mediator" ? "mediator" : "officer",
                    "--unit", station.isEmpty ? "QS" : station, "--json",
                ]))
                var arguments = ["credential", "issue", "--role", role, "--person", "\(person)", "--json"]
                if !station.isEmpty { arguments += ["--station", station] }
                let issued = try await registry.cli(arguments)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(issued.standardOutput.utf8)) as? [String: Any])
                tokens[name] = try #require(object["token"] as? String)
                ids[name] = try #require((object["credential"] as? [String: Any])?["id"] as? Int)
            }
            try await body(registry, tokens, ids)
        }
    }

    @Test func personalDataIsMaskedRevealedForAReasonAndAudited() async throws {
        try await withTwoStations { registry, tokens, credentialIDs in
            let id = Self.idNumbers[0], phone = Self.phones[0]
            let added = try await registry.cli([
                "resident", "add", "--name", "陈阿姨", "--kind", "registered", "--national-id", id, "--phone", phone, "--unit", "FQ-V1", "--json",
            ])
            let resident = try #require(try objects(added).first)
            let residentID = try #require(resident["id"] as? Int)
            #expect(resident["nationalID"] as? String == "330681********0018")
            #expect(resident["phone"] as? String == "139****1234")
            let listed = try await registry.cli(["resident", "list", "--unit", "FQ-V1"])
            #expect(listed.standardOutput.contains("330681********0018") && !listed.standardOutput.contains(id))
            #expect(try objects(try await registry.cli(["resident", "list", "--national-id", id, "--json"])).map { $0["id"] as? Int } == [residentID])
            #expect(try objects(try await registry.cli(["resident", "list", "--phone", Self.phones[1], "--json"])).isEmpty)

            func reveal(_ token: String?, field: String = "national-id", reason: String = "核实身份：调解邻里纠纷") async throws -> CommandResult {
                try await registry.run("fengqiao", ["resident", "reveal", "\(residentID)", "--field", field, "--reason", reason], token: .some(token))
            }
            // The station's officer and the county admin see it in full, for a reason.
            #expect(try await reveal(tokens["officer"]).standardOutput == id + "\n")
            #expect(try await reveal(registry.adminToken, field: "phone", reason: "回访当事人").standardOutput == phone + "\n")
            // Nobody else: another station's officer is told there is no such resident.
            let other = try await reveal(tokens["other-officer"])
            #expect(other.status == 1 && other.standardError.contains("NOT_FOUND") && !other.standardOutput.contains(id))
            for role in ["station-admin", "mediator", "analyst"] {
                let refused = try await reveal(tokens[role])
                #expect(refused.status == 1 && refused.standardError.contains("PERMISSION_DENIED"), "\(role)")
            }
            let noReason = try await reveal(tokens["officer"], reason: "看看")
            #expect(noReason.status == 1 && noReason.standardError.contains("reason"))

            // Each attempt is in the trail, with who, what, where from, the outcome and the reason.
            let events = try objects(try await registry.cli(["audit", "list", "--method", "RevealPersonalData", "--json"]))
            #expect(events.count == 7)
            let byOfficer = try #require(events.first { $0["credentialID"] as? Int == credentialIDs["officer"] && $0["outcome"] as? String == "OK" })
            #expect(byOfficer["role"] as? String == "officer")
            #expect(byOfficer["targets"] as? [String] == ["resident:\(residentID)"])
            #expect(byOfficer["detail"] as? String == "national_id: 核实身份：调解邻里纠纷")
            #expect((byOfficer["peer"] as? String)?.hasPrefix("127.0.0.1:") == true)
            #expect((byOfficer["requestID"] as? String)?.isEmpty == false)
            #expect(Set(events.compactMap { $0["outcome"] as? String }) == ["OK", "NOT_FOUND", "PERMISSION_DENIED", "INVALID_ARGUMENT"])
            #expect(events.filter { $0["outcome"] as? String == "PERMISSION_DENIED" }.count == 3)
            // Refused calls name what they reached for, too: a probe across stations can be traced.
            #expect(events.allSatisfy { $0["targets"] as? [String] == ["resident:\(residentID)"] })
            #expect(!events.contains { ($0["detail"] as? String)?.contains(id) == true })
            // Only the county admin reads the trail.
            let denied = try await registry.run("fengqiao", ["audit", "list"], token: .some(tokens["officer"]))
            #expect(denied.status == 1 && denied.standardError.contains("PERMISSION_DENIED"))

            // A forged token for the officer's credential is refused and traced to the credential it claims.
            let forged = "fq_\(credentialIDs["officer"]!)_" + String(repeating: "A", count: 43)
            #expect(try await registry.run("fengqiao", ["unit", "show", "FQ"], token: .some(forged)).standardError.contains("UNAUTHENTICATED"))
            let refusedEvents = try objects(try await registry.cli(["audit", "list", "--outcome", "unauthenticated", "--json"]))
            #expect(refusedEvents.map { $0["credentialID"] as? Int } == [credentialIDs["officer"]])
            #expect(refusedEvents.first?["role"] as? String == "")

            // No audit entry, no answer: while the trail cannot be written, a reveal is withheld and
            // other calls go on.
            let owner = PostgresPool(
                configuration: try PostgresConfiguration(registry.databaseURL), options: .init(maximumConnections: 1), logger: TestPostgres.testLogger())
            try await owner.execute(
                "CREATE FUNCTION audit.test_outage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit outage'; END $$")
            try await owner.execute("CREATE TRIGGER test_outage BEFORE INSERT ON audit.event FOR EACH ROW EXECUTE FUNCTION audit.test_outage()")
            let withheld = try await reveal(tokens["officer"])
            #expect(withheld.status == 1 && withheld.standardError.contains("UNAVAILABLE") && !withheld.standardOutput.contains(id))
            #expect(try await registry.run("fengqiao", ["unit", "show", "FQ"], token: .some(tokens["officer"])).status == 0)
            try await owner.execute("DROP TRIGGER test_outage ON audit.event")
            await owner.close()
            #expect(try await reveal(tokens["officer"]).standardOutput == id + "\n")
        }
    }

    /// Every log line of a run at trace level, searched for the ID numbers and phone numbers it handled.
    @Test func personalDataNeverReachesTheLogs() async throws {
        try await withTwoStations(logLevel: "trace") { registry, tokens, _ in
            let (ids, phones) = (Self.idNumbers, Self.phones)
            var outputs: [CommandResult] = []
            func cli(_ arguments: [String], token: String? = nil) async throws -> CommandResult {
                let result = try await registry.run("fengqiao", arguments, token: .some(token ?? registry.adminToken))
                outputs.append(result)
                return result
            }
            let person = try firstID(try await cli([
                "person", "add", "--name", "李国钢", "--kind", "officer", "--unit", "FQ", "--national-id", ids[1], "--phone", phones[1], "--json",
            ]))
            _ = try await cli(["person", "update", "\(person)", "--phone", phones[2]])
            // Refused writes quote no value: a duplicate ID number, a wrong check character, a bad phone.
            _ = try await cli(["person", "add", "--name", "重复", "--kind", "volunteer", "--unit", "FQ", "--national-id", ids[1]])
            _ = try await cli(["person", "add", "--name", "错号", "--kind", "volunteer", "--unit", "FQ", "--national-id", String(ids[2].dropLast()) + "1"])
            _ = try await cli(["resident", "add", "--name", "错电话", "--kind", "floating", "--unit", "FQ-V1", "--phone", "1" + phones[3]])
            _ = try await cli([
                "resident", "add", "--name", "陈阿姨", "--kind", "registered", "--unit", "FQ-V1", "--national-id", ids[3], "--phone", phones[3],
            ])
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("pii-\(UUID().uuidString).csv").path
            try """
                name,kind,national_id,phone,unit_code,qr_code,moved_in
                王大伯,registered,\(ids[4]),\(phones[4]),FQ-V1,,2020-01-01
                重复行,registered,\(ids[4]),\(phones[4]),FQ-V1,,2020-01-01
                坏号码,floating,\(String(ids[0].dropLast()) + "9"),\(phones[0]),FQ-V1,,
                """.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file); try? FileManager.default.removeItem(atPath: file + ".rejected.csv") }
            _ = try await cli(["import", "residents", file])
            _ = try await cli(["resident", "list", "--national-id", ids[4]], token: tokens["officer"])
            _ = try await cli(["person", "list", "--phone", phones[2]])
            let resident = try firstID(try await cli(["resident", "list", "--phone", phones[3], "--json"]))
            _ = try await cli(["resident", "reveal", "\(resident)", "--field", "phone", "--reason", "回访当事人"], token: tokens["officer"])
            _ = try await cli(["resident", "reveal", "\(resident)", "--field", "national-id", "--reason", "核实身份"], token: tokens["other-officer"])
            _ = try await cli(["person", "reveal", "\(person)", "--field", "national-id", "--reason", "核实身份"])
            _ = try await cli(["audit", "list", "--json"])

            // The run did happen: the reveals answered in full, the rest masked.
            #expect(outputs.contains { $0.standardOutput == phones[3] + "\n" })
            #expect(outputs.contains { $0.standardOutput == ids[1] + "\n" })
            let log = try String(contentsOfFile: registry.logPath, encoding: .utf8)
            // A log that saw every call: each one's start and end, the refusals at the gate, the failures past it.
            #expect(log.split(separator: "\n").count > 60)
            #expect(log.contains("call finished") && log.contains("RevealPersonalData"))
            #expect(log.contains("call refused") && log.contains("rpc.code=INVALID_ARGUMENT"))
            let secrets = ids + phones + [String(ids[2].dropLast()) + "1", "1" + phones[3], String(ids[0].dropLast()) + "9"]
            for secret in secrets {
                #expect(!log.contains(secret), "the registry's log holds \(secret)")
                if secret.count == 18 { #expect(!log.contains(String(secret.dropFirst(6))), "the registry's log holds the end of \(secret)") }
            }
            // Nor does the audit trail.
            let trail = try await registry.cli(["audit", "list", "--limit", "0", "--json"]).standardOutput
            #expect(trail.contains("RevealPersonalData"))
            for secret in secrets { #expect(!trail.contains(secret)) }
            // Nor any error message the CLI was given (answers to the reveals aside).
            for output in outputs { for secret in secrets { #expect(!output.standardError.contains(secret)) } }
        }
    }
}

extension RegistryCLITests {
    /// A service acting for a caller: checked as that caller, and audited as that caller relayed by
    /// the service. Only a service may relay, and never for a dead credential.
    @Test func aServiceRelaysACallerAndTheTrailSaysSo() async throws {
        try await withTwoStations { registry, tokens, credentialIDs in
            let issued = try await registry.cli(["credential", "issue", "--role", "service", "--service", "mediation", "--json"])
            let serviceToken = try #require(
                (try JSONSerialization.jsonObject(with: Data(issued.standardOutput.utf8)) as? [String: Any])?["token"] as? String)
            let resident = try firstID(try await registry.cli([
                "resident", "add", "--name", "陈阿姨", "--kind", "registered", "--unit", "FQ-V1", "--phone", Self.phones[0], "--json",
            ]))
            let client = registryClient(registry)
            defer { client.close() }
            let service = RegistryV1.Registry.Client(client)
            func relaying(_ token: String?, for credential: Int?) -> CallOptions {
                var options = options(token)
                if let credential { options.metadata["fengqiao-on-behalf-of"] = "\(credential)" }
                return options
            }
            let request = RegistryV1.RevealPersonalDataRequest(residentID: Int64(resident), field: .phone, reason: "调解中心联系当事人")

            // For the station's officer: allowed, as the officer.
            let answer = try await service.revealPersonalData(request, relaying(serviceToken, for: credentialIDs["officer"]))
            #expect(answer.value == Self.phones[0])
            // For the other station's officer: as if the resident did not exist.
            await #expect(throws: RPCError.self) { _ = try await service.revealPersonalData(request, relaying(serviceToken, for: credentialIDs["other-officer"])) }
            // For itself: a service may not see personal data in full.
            let own = try await #require(throws: RPCError.self) { _ = try await service.revealPersonalData(request, relaying(serviceToken, for: nil)) }
            #expect(own.code == .permissionDenied)
            // An officer may not relay for anyone.
            let officerRelay = try await #require(throws: RPCError.self) {
                _ = try await service.revealPersonalData(request, relaying(tokens["officer"], for: credentialIDs["mediator"]))
            }
            #expect(officerRelay.code == .permissionDenied)
            // Nor may a service relay for a revoked credential.
            _ = try await registry.cli(["credential", "revoke", "\(credentialIDs["mediator"]!)", "--reason", "离任"])
            let revoked = try await #require(throws: RPCError.self) {
                _ = try await service.listPeople(.init(), relaying(serviceToken, for: credentialIDs["mediator"]))
            }
            #expect(revoked.code == .unauthenticated)

            let events = try objects(try await registry.cli(["audit", "list", "--method", "RevealPersonalData", "--json"]))
            let relayed = try #require(events.first { $0["outcome"] as? String == "OK" })
            #expect(relayed["credentialID"] as? Int == credentialIDs["officer"])
            #expect(relayed["role"] as? String == "officer")
            #expect(relayed["relayedBy"] as? String == "mediation")
            #expect(events.contains { $0["credentialID"] as? Int == credentialIDs["other-officer"] && $0["outcome"] as? String == "NOT_FOUND"
                && $0["relayedBy"] as? String == "mediation" })
        }
    }
}

extension RegistryCLITests {
    /// A call its deadline cuts short is still in the audit trail, as DEADLINE_EXCEEDED or CANCELLED.
    @Test func aCallCutShortByItsDeadlineIsAudited() async throws {
        try await withTwoStations { registry, _, _ in
            let client = registryClient(registry)
            defer { client.close() }
            let rows = (1...5_000).map { n in
                RegistryV1.ResidentRow(rowNumber: Int64(n), name: "居民\(n)", kind: .registered, unitCode: "FQ-V1")
            }
            // A first call opens the connection and warms the credential cache, so the deadline is spent in the import.
            let registryClient = RegistryV1.Registry.Client(client)
            _ = try await registryClient.whoAmI(.init(), options(registry.adminToken))
            var options = options(registry.adminToken)
            // Long enough for the request to arrive whole, far too short for 5,000 rows (about a second here).
            options.timeout = .milliseconds(100)
            let error = try await #require(throws: RPCError.self) {
                _ = try await registryClient.importResidents(.init(rows: rows), options)
            }
            #expect(error.code == .deadlineExceeded)
            // The server's clock starts when the request arrives, so the client's CANCEL may reach it
            // before its own deadline passes: either way the call is in the trail, cut short.
            var events: [[String: Any]] = []
            for _ in 0..<50 {
                events = try objects(try await registry.cli(["audit", "list", "--method", "ImportResidents", "--json"]))
                if !events.isEmpty { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(events.count == 1)
            #expect(["DEADLINE_EXCEEDED", "CANCELLED"].contains(events.first?["outcome"] as? String ?? ""), "\(events)")
        }
    }
}
