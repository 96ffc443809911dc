import FengqiaoAccess
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoProtobuf
import FengqiaoRPC
import FengqiaoSecurity
import FengqiaoTestSupport
import Foundation
import MediationService
import Testing

/// Who may do what in mediation, what happens when the registry is away or slow, and where
/// personal data goes.
extension RegistryCLITests {
    /// Calls any method (unary or streaming) with an empty request; answers the status code.
    func callEmptyAnyKind<Request: ProtobufMessage, Response: ProtobufMessage>(
        _: Request.Type, _: Response.Type, _ info: ProtobufMethodInfo, client: RPCClient, options: CallOptions
    ) async -> RPCError.Code {
        let method = ProtobufMethod<Request, Response>(serviceName: info.serviceName, name: info.name, isServerStreaming: info.isServerStreaming)
        return await code {
            if info.isServerStreaming {
                for try await _ in try await client.serverStreaming(method, Request(), options: options) {}
            } else {
                _ = try await client.unary(method, Request(), options: options)
            }
        }
    }

    /// Every mediation method × every role × no credential, against the running service.
    @Test func everyMediationMethodAdmitsExactlyTheRolesItDeclares() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let policy = MediationHandler.accessPolicy
            #expect(Set(policy.rules.keys) == Set(MediationV1.Mediation.methods.map(\.path)), "every method is declared")
            // As docs/SECURITY.md writes them: analysts get nothing here; mediators do not file, grade or assign.
            for method in MediationV1.Mediation.methods {
                #expect(policy.rules[method.path]?.roles.contains(.analyst) == false, "\(method.name)")
            }
            for name in ["FileDispute", "GradeDispute", "AssignMediator", "ListMediatorCandidates"] {
                #expect(policy.rules["/fengqiao.mediation.v1.Mediation/\(name)"]?.roles.contains(.mediator) == false, "\(name)")
            }
            let roles: [(Role, String)] = [
                (.countyAdmin, "admin"), (.stationAdmin, "station-admin"), (.officer, "officer"), (.mediator, "mediator"),
                (.patrolMember, "patrol"), (.analyst, "analyst"), (.service, "service"),
            ]
            var wrong: [String] = []
            for info in MediationV1.Mediation.methods {
                let anonymous = await callEmptyAnyKind(info.requestType, info.responseType, info, client: client, options: fixture.options(nil))
                if anonymous != .unauthenticated { wrong.append("\(info.name) without a credential: \(anonymous.name)") }
                for (role, token) in roles {
                    let code = await callEmptyAnyKind(info.requestType, info.responseType, info, client: client, options: fixture.options(token))
                    var admitted = policy.rules[info.path]?.roles.contains(role) ?? false
                    // Patrol members are admitted only when the patrol service relays them (below).
                    if info.name == "FileDispute" && role == .patrolMember { admitted = false }
                    if admitted ? (code == .permissionDenied || code == .unauthenticated) : code != .permissionDenied {
                        wrong.append("\(info.name) as \(role.rawValue): \(code.name)")
                    }
                }
            }
            #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")

            // A patrol member's report, relayed by the patrol service, is filed for them.
            let mediation = MediationV1.Mediation.Client(client)
            let patrolCredential = try #require(fixture.tokens["patrol"]?.split(separator: "_").dropFirst().first.map(String.init))
            var relayed = fixture.options("service")
            relayed.metadata[AccessMetadata.onBehalfOf] = patrolCredential
            var report = fixture.filing(parties: Self.strangers)
            report.source = .patrolReport
            let filed = try await mediation.fileDispute(report, relayed)
            #expect(filed.filedByPersonID == fixture.people["patrol"] && filed.source == .patrolReport)
        }
    }

    /// A station's disputes are invisible to another station, and a mediator sees only what they mediate.
    @Test func disputesStayWithTheirStationAndTheirMediators() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer"), other = fixture.options("other-officer"), mediator = fixture.options("mediator")
            let dispute = try await mediation.fileDispute(fixture.filing(parties: Self.strangers), officer)

            #expect(await code { try await mediation.getDispute(.init(id: dispute.id), other) } == .notFound)
            #expect(try await mediation.listDisputes(.init(), other).disputes.isEmpty)
            #expect(await code { try await mediation.listDisputes(.init(filter: .init(stationID: fixture.units["FQ"]!)), other) } == .notFound)
            #expect(await code { try await mediation.listDisputes(.init(filter: .init(unitID: fixture.units["FQ-V1"]!)), other) } == .notFound)
            var exported = 0
            for try await _ in try await mediation.exportDisputes(.init(), other) { exported += 1 }
            #expect(exported == 0)
            #expect(await code { try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 1, stage: .intervention, note: "越权"), other) } == .notFound)
            #expect(await code { try await mediation.fileDispute(fixture.filing(parties: Self.strangers), other) } == .notFound)
            #expect(try await mediation.listOverdueDisputes(.init(asOfMs: Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000 * 30), other).disputes.isEmpty)
            // The county admin and the station see it.
            #expect(try await mediation.listDisputes(.init(), fixture.options("admin")).disputes.map(\.id) == [dispute.id])
            #expect(try await mediation.listDisputes(.init(), fixture.options("station-admin")).disputes.map(\.id) == [dispute.id])

            // A mediator not (yet) assigned sees nothing of it, and cannot move it.
            #expect(await code { try await mediation.getDispute(.init(id: dispute.id), mediator) } == .notFound)
            #expect(try await mediation.listDisputes(.init(), mediator).disputes.isEmpty)
            #expect(await code { try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 1, stage: .intervention, note: "x"), mediator) } == .notFound)
            _ = try await mediation.assignMediator(.init(disputeID: dispute.id, expectedVersion: 1, leadPersonID: fixture.people["老银"]!), officer)
            #expect(try await mediation.listDisputes(.init(), mediator).disputes.map(\.id) == [dispute.id])
            #expect(try await mediation.advanceStage(.init(disputeID: dispute.id, expectedVersion: 2, stage: .intervention, note: "调解员介入"), mediator).stage == .intervention)
            #expect(await code { try await mediation.listDisputes(.init(filter: .init(mediatorPersonID: fixture.people["老金"]!)), mediator) } == .permissionDenied)
            #expect(await code { try await mediation.listDisputes(.init(), fixture.options("analyst")) } == .permissionDenied)
        }
    }

    /// With the registry stopped, a filing fails with UNAVAILABLE naming the registry, and nothing is stored.
    @Test func withoutTheRegistryNothingIsFiled() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer")
            _ = try await mediation.fileDispute(fixture.filing(parties: Self.strangers), officer)
            #expect(await fixture.registry.process.stop() == 0)
            let refused = try await failure { try await mediation.fileDispute(fixture.filing(parties: Self.strangers), officer) }
            #expect(refused.code == .unavailable, "\(refused)")
            #expect(refused.message.contains("registry"), "\(refused)")
            #expect(try await fixture.count("mediation.dispute") == 1)
            #expect(try await fixture.count("mediation.party") == 2)
            // Reading what is stored needs no registry while the caller's credential is remembered.
            #expect(try await mediation.listDisputes(.init(), officer).disputes.count == 1)
        }
    }

    /// A registry slower than the caller's deadline: DEADLINE_EXCEEDED, and nothing stored.
    @Test func aDeadlineShorterThanTheRegistrysAnswerIsExceeded() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer")
            _ = try await mediation.listDisputes(.init(), officer)  // the officer's credential is now known
            // Hold the registry's unit table: its GetUnit waits until the lock goes.
            let owner = PostgresPool(
                configuration: try PostgresConfiguration(fixture.ownerURL), options: .init(maximumConnections: 1), logger: TestPostgres.testLogger())
            let outcome = try await owner.transaction { tx in
                try await tx.execute("LOCK TABLE registry.unit IN ACCESS EXCLUSIVE MODE")
                return await code {
                    try await mediation.fileDispute(fixture.filing(parties: Self.strangers), fixture.options("officer", timeout: .milliseconds(800)))
                }
            }
            await owner.close()
            #expect(outcome == .deadlineExceeded)
            #expect(try await fixture.count("mediation.dispute") == 0)
            // The service is still well, and files once the registry answers again.
            #expect(try await mediation.fileDispute(fixture.filing(parties: Self.strangers), officer).version == 1)
        }
    }

    /// No party's ID or phone number reaches a log line, the audit trail or a column in clear.
    @Test func partiesPersonalDataIsSealedMaskedAndNeverLogged() async throws {
        try await withMediation(logLevel: "trace") { fixture in
            let client = fixture.client()
            defer { client.close() }
            let mediation = MediationV1.Mediation.Client(client)
            let officer = fixture.options("officer")
            let id = RegistryCLITests.idNumbers[0], phone = "13957501234"
            let dispute = try await mediation.fileDispute(fixture.filing(), officer)
            _ = try await mediation.getDispute(.init(id: dispute.id), officer)
            var bad = fixture.filing()
            bad.peopleInvolved = 0
            _ = await code { try await mediation.fileDispute(bad, officer) }
            let logs = fixture.mediation.log + fixture.registry.process.log
            #expect(logs.contains("FileDispute"))
            #expect(!logs.contains(id) && !logs.contains(phone) && !logs.contains("刘建国"))

            let pool = PostgresPool(configuration: try PostgresConfiguration(fixture.ownerURL), options: .init(maximumConnections: 1), logger: TestPostgres.testLogger())
            let rows = try await pool.query("SELECT name, phone, national_id FROM mediation.party WHERE dispute_id = \(dispute.id) ORDER BY position")
            for row in rows {
                #expect(try row.decode(String.self, column: "name").hasPrefix("v1:"))
                #expect(try row.decode(String?.self, column: "phone")?.hasPrefix("v1:") ?? true)
            }
            let clear = try await pool.queryValue(
                "SELECT count(*) FROM mediation.party WHERE name = '刘建国' OR phone LIKE '%' || \(phone) || '%' OR national_id LIKE '%' || \(id) || '%'",
                as: Int64.self)
            #expect(clear == 0)
            // Every call is in the audit trail, as mediation's, naming what it touched.
            let events = try await pool.query(
                "SELECT method, outcome, targets FROM audit.event WHERE service = 'mediation' ORDER BY id")
            let methods = try events.map { try $0.decode(String.self, column: "method") }
            #expect(methods == [
                "/fengqiao.mediation.v1.Mediation/FileDispute", "/fengqiao.mediation.v1.Mediation/GetDispute",
                "/fengqiao.mediation.v1.Mediation/FileDispute",
            ])
            #expect(try events.map { try $0.decode(String.self, column: "outcome") } == ["OK", "OK", "INVALID_ARGUMENT"])
            #expect(try events[1].decode([String].self, column: "targets") == ["dispute:\(dispute.id)"])
            // Mediation's calls to the registry carry the officer's identity, relayed by mediation (the
            // access layer's own look-up of the community's station is mediation's, as the service).
            let relayed = try await pool.query(
                "SELECT DISTINCT role, relayed_by FROM audit.event WHERE service = 'registry' AND method LIKE '%/GetUnit'")
            #expect(Set(try relayed.map { "\(try $0.decode(String?.self, column: "role") ?? "")/\(try $0.decode(String?.self, column: "relayed_by") ?? "")" })
                == ["officer/mediation", "service/"])
            let text = try await pool.queryValue("SELECT string_agg(coalesce(detail, '') || array_to_string(targets, ','), ' ') FROM audit.event", as: String.self)
            #expect(!text.contains(id) && !text.contains(phone))
            await pool.close()

            // Mediation's own login appends history and updates state, but deletes nothing and reads no registry table.
            let login = PostgresPool(
                configuration: try TestPostgres.serviceConfiguration(role: "mediation", database: try PostgresConfiguration(fixture.ownerURL).database ?? ""),
                options: .init(maximumConnections: 1), logger: TestPostgres.testLogger())
            for statement: PostgresQuery in [
                "DELETE FROM mediation.dispute", "DELETE FROM mediation.stage_move", "SELECT count(*) FROM registry.resident",
                "UPDATE audit.event SET outcome = 'OK'",
            ] {
                do {
                    try await login.execute(statement)
                    Issue.record("the mediation login ran: \(statement.sql)")
                } catch let error as PostgresError {
                    #expect(error.sqlState == "42501", "\(statement.sql): \(error)")
                }
            }
            #expect(try await login.queryValue("SELECT count(*) FROM mediation.party", as: Int64.self) == 2)
            await login.close()
        }
    }

    /// After a key rotation, mediation's start-up reseals every party value under the new key before
    /// it serves, keeping the lookup hashes; a key ring without a key still in use stops it.
    @Test func aKeyRotationResealsPartiesAtStartUp() async throws {
        try await withMediation { fixture in
            let client = fixture.client()
            defer { client.close() }
            let officer = fixture.options("officer")
            // 刘建国 with a phone and an ID number, 王秀英 with a name only: four sealed values.
            let dispute = try await MediationV1.Mediation.Client(client).fileDispute(fixture.filing(), officer)
            let pool = PostgresPool(configuration: try PostgresConfiguration(fixture.ownerURL), options: .init(maximumConnections: 1), logger: TestPostgres.testLogger())
            defer { Task { await pool.close() } }
            let parties: PostgresQuery = "SELECT name, phone, national_id, phone_hash, national_id_hash FROM mediation.party WHERE dispute_id = \(dispute.id) ORDER BY position"
            let before = try await pool.query(parties)
            #expect(try before.map { try $0.decode(String.self, column: "name") }.allSatisfy { $0.hasPrefix("v1:k1:") })

            // k2 becomes current; k1 stays in the ring until every value is resealed.
            let k2 = PersonalDataKeys.generateKey()
            let rotated = TestPersonalData.keys.replacingOccurrences(of: "current=k1", with: "current=k2") + ";k2=\(k2)"
            var environment = fixture.environment
            environment["FENGQIAO_PII_KEYS"] = rotated
            let restarted = try ServiceProcess(BuiltProduct.path("fengqiao-mediation"), arguments: ["--listen", "127.0.0.1:0"], environment: environment)
            _ = try await restarted.listeningPort()
            #expect(restarted.log.contains("pii.resealed=4"), "log:\n\(restarted.log.suffix(2000))")
            #expect(await restarted.stop() == 0)

            let after = try await pool.query(parties)
            let lookup = TestPersonalData.keys.split(separator: ";").first { $0.hasPrefix("lookup=") }!
            let k2Only = PersonalDataCipher(keys: try PersonalDataKeys(configuration: "current=k2;k2=\(k2);\(lookup)"))
            var opened: [String] = []
            for (old, new) in zip(before, after) {
                for column in ["name", "phone", "national_id"] {
                    guard let stored = try new.decode(String?.self, column: column) else {
                        #expect(try old.decode(String?.self, column: column) == nil)
                        continue
                    }
                    #expect(stored.hasPrefix("v1:k2:"), "\(column)")
                    opened.append(try k2Only.open(stored, field: "mediation.party.\(column)"))
                }
                for column in ["phone_hash", "national_id_hash"] {
                    #expect(try new.decode(Data?.self, column: column) == old.decode(Data?.self, column: column))
                }
            }
            #expect(opened == ["刘建国", "13957501234", RegistryCLITests.idNumbers[0], "王秀英"])

            // A second start finds nothing to reseal.
            let again = try ServiceProcess(BuiltProduct.path("fengqiao-mediation"), arguments: ["--listen", "127.0.0.1:0"], environment: environment)
            _ = try await again.listeningPort()
            #expect(!again.log.contains("pii.resealed"))
            #expect(await again.stop() == 0)

            // A ring without k2, which every value now needs, stops the start-up, naming the key.
            environment["FENGQIAO_PII_KEYS"] = "current=k3;k3=\(PersonalDataKeys.generateKey());\(lookup)"
            let lacking = try ServiceProcess(BuiltProduct.path("fengqiao-mediation"), arguments: ["--listen", "127.0.0.1:0"], environment: environment)
            await #expect(throws: ServiceProcess.ServiceFailure.self) { _ = try await lacking.listeningPort() }
            #expect(await lacking.stop() != 0)
            #expect(lacking.log.contains("k2"), "log:\n\(lacking.log.suffix(2000))")
            #expect(!lacking.log.contains("刘建国") && !lacking.log.contains("13957501234"))
        }
    }
}

@Suite struct MediationDocumentTests {
    /// docs/MEDIATION.md's "Who may call what" says what the policy declares: a cell with anything
    /// in it (✓, "assigned", "relayed") admits the role.
    @Test func theRolesTableMatchesThePolicy() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let lines = try String(contentsOf: root.appendingPathComponent("docs/MEDIATION.md"), encoding: .utf8).split(separator: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("| call | county_admin") })
        let roles = lines[start].split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.dropFirst().compactMap(Role.init(rawValue:))
        #expect(roles.count == Role.allCases.count)
        var documented: [String: Set<Role>] = [:]
        for line in lines[(start + 2)...].prefix(while: { $0.hasPrefix("|") }) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let admitted = Set(zip(roles, cells[2...]).filter { !$0.1.isEmpty }.map(\.0))
            for method in cells[1].split(separator: ",") {
                documented["/fengqiao.mediation.v1.Mediation/" + method.trimmingCharacters(in: CharacterSet(charactersIn: "` "))] = admitted
            }
        }
        #expect(documented == MediationHandler.accessPolicy.rules.mapValues(\.roles))
    }
}
