import FengqiaoAccess
import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import FengqiaoTestSupport
import Foundation
import RegistryService
import Testing

/// Credentials, roles and station scoping, against the real registry process.
extension RegistryCLITests {
    /// A client of the running registry presenting `token`.
    func registryClient(_ registry: RunningRegistry) -> RPCClient {
        var configuration = RPCClientConfiguration(addresses: [RPCAddress(host: "127.0.0.1", port: registry.port)])
        configuration.maximumAttempts = 1
        return RPCClient(configuration: configuration)
    }

    func options(_ token: String?) -> CallOptions {
        CallOptions(timeout: .seconds(10), metadata: token.map { ["authorization": "Bearer " + $0] } ?? [:])
    }

    /// Calls a method with an empty request; answers the status code.
    func callEmpty<Request: ProtobufMessage, Response: ProtobufMessage>(
        _: Request.Type, _: Response.Type, _ info: ProtobufMethodInfo, client: RPCClient, options: CallOptions
    ) async -> RPCError.Code {
        let method = ProtobufMethod<Request, Response>(serviceName: info.serviceName, name: info.name, isServerStreaming: info.isServerStreaming)
        do {
            _ = try await client.unary(method, Request(), options: options)
            return .ok
        } catch let error as RPCError {
            return error.code
        } catch {
            return .unknown
        }
    }

    /// Every registry method × every role: a role the policy admits gets past the gate (any answer
    /// but PERMISSION_DENIED or UNAUTHENTICATED); a role it does not admit gets PERMISSION_DENIED;
    /// no credential gets UNAUTHENTICATED, on every method.
    @Test func everyMethodAdmitsExactlyTheRolesItDeclares() async throws {
        try await withRunningRegistry { running in
            let client = registryClient(running)
            defer { client.close() }
            let registry = RegistryV1.Registry.Client(client)
            let admin = options(running.adminToken)
            let bureau = try await registry.createUnit(.init(code: "QS", name: "青山县公安局", kind: .bureau), admin)
            let station = try await registry.createUnit(.init(code: "FQ", name: "枫桥派出所", kind: .station, parentID: bureau.id), admin)
            let person = try await registry.registerPerson(.init(name: "李国钢", kinds: [.officer], homeUnitID: station.id), admin)
            var tokens: [Role: String] = [:]
            for role in Role.allCases {
                let issued = try await registry.issueCredential(
                    .init(role: RegistryV1.Role(role), stationID: role.isStationScoped ? station.id : 0, personID: role == .service ? 0 : person.id,
                          serviceName: role == .service ? "mediation" : ""), admin)
                tokens[role] = issued.token
            }

            let policy = RegistryHandler.accessPolicy
            #expect(Set(policy.rules.keys) == Set(RegistryV1.Registry.methods.map(\.path)), "every method is declared")
            // A few declarations checked against the rules as written: analysts see no personal data,
            // patrol members see places but no residents, only admins issue credentials.
            let written: [(method: String, role: Role, admitted: Bool)] = [
                ("ListResidents", .analyst, false), ("GetPerson", .analyst, false), ("GetUnitStats", .analyst, true),
                ("ResolveQrPlate", .patrolMember, true), ("GetFloorPlan", .patrolMember, false), ("ListResidents", .patrolMember, false),
                ("ImportResidents", .mediator, false), ("CreateUnit", .officer, false), ("IssueCredential", .officer, false),
                ("IssueCredential", .stationAdmin, true), ("ReportMediatorLoad", .service, true), ("ReportMediatorLoad", .stationAdmin, false),
                ("LookUpCredential", .service, true), ("LookUpCredential", .countyAdmin, false), ("GetHouseholdTies", .officer, false),
            ]
            for rule in written {
                #expect(policy.rules["/fengqiao.registry.v1.Registry/\(rule.method)"]?.roles.contains(rule.role) == rule.admitted, "\(rule)")
            }
            var wrong: [String] = []
            for info in RegistryV1.Registry.methods {
                let anonymous = await callEmpty(info.requestType, info.responseType, info, client: client, options: options(nil))
                if anonymous != .unauthenticated { wrong.append("\(info.name) without a credential: \(anonymous.name)") }
                for role in Role.allCases {
                    let code = await callEmpty(info.requestType, info.responseType, info, client: client, options: options(tokens[role]))
                    let admitted = policy.rules[info.path]?.roles.contains(role) ?? false
                    if admitted ? (code == .permissionDenied || code == .unauthenticated) : code != .permissionDenied {
                        wrong.append("\(info.name) as \(role.rawValue): \(code.name)")
                    }
                }
            }
            #expect(wrong.isEmpty, "\(wrong.joined(separator: "\n"))")
            // Health stays open.
            let health = try await HealthV1.Health.Client(client).check(.init(), options(nil))
            #expect(health.status == .serving)
        }
    }

    /// An officer of one station cannot read, list, count or change another's records, by id, by
    /// code or by importing; lists without a filter are its own station's.
    @Test func anOfficerSeesOnlyTheirOwnStation() async throws {
        try await withRunningRegistry { running in
            let client = registryClient(running)
            defer { client.close() }
            let registry = RegistryV1.Registry.Client(client)
            let admin = options(running.adminToken)
            let bureau = try await registry.createUnit(.init(code: "QS", name: "青山县公安局", kind: .bureau), admin)
            var stations: [RegistryV1.Unit] = []
            var communities: [RegistryV1.Unit] = []
            var officers: [RegistryV1.Person] = []
            for (code, name) in [("FQ", "枫桥派出所"), ("DX", "东溪派出所")] {
                let station = try await registry.createUnit(.init(code: code, name: name, kind: .station, parentID: bureau.id), admin)
                stations.append(station)
                communities.append(try await registry.createUnit(.init(code: code + "-C1", name: name + "社区", kind: .community, parentID: station.id), admin))
                officers.append(try await registry.registerPerson(.init(name: name + "民警", kinds: [.officer], homeUnitID: station.id), admin))
                _ = try await registry.registerResident(.init(name: name + "居民", kind: .registered, unitID: communities.last!.id), admin)
                _ = try await registry.createAddress(.init(text: name + "1号", unitID: communities.last!.id, qrCode: "QR-" + code), admin)
            }
            let officer = options(try await registry.issueCredential(
                .init(role: .officer, stationID: stations[0].id, personID: officers[0].id), admin).token)
            let (own, other) = (communities[0], communities[1])

            // Lists: everything means the own station's everything, even when the filter names the bureau.
            #expect(try await registry.listResidents(.init(), officer).residents.map(\.name) == ["枫桥派出所居民"])
            #expect(try await registry.listResidents(.init(unitID: bureau.id), officer).residents.map(\.name) == ["枫桥派出所居民"])
            #expect(try await registry.listPeople(.init(), officer).people.map(\.name) == ["枫桥派出所民警"])
            #expect(try await registry.listUnits(.init(subtree: true), officer).units.map(\.code) == ["FQ-C1"])
            #expect(try await registry.getUnitStats(.init(unitID: bureau.id), officer).residentsRegistered == 1)

            // Another station's records are as if absent, by id or code.
            for attempt in [
                { _ = try await registry.listResidents(.init(unitID: other.id), officer) },
                { _ = try await registry.getUnit(.init(code: "DX-C1"), officer) },
                { _ = try await registry.getPerson(.init(id: officers[1].id), officer) },
                { _ = try await registry.getUnitStats(.init(unitID: stations[1].id), officer) },
                { _ = try await registry.resolveQRPlate(.init(code: "QR-DX"), officer) },
                { _ = try await registry.createAddress(.init(text: "东溪2号", unitID: other.id), officer) },
                { _ = try await registry.registerResident(.init(name: "越权", kind: .floating, unitID: other.id), officer) },
            ] as [() async throws -> Void] {
                let error = try await #require(throws: RPCError.self) { try await attempt() }
                #expect(error.code == .notFound)
            }
            // The same calls on the own station work.
            #expect(try await registry.resolveQRPlate(.init(code: "QR-FQ"), officer).unit?.id == own.id)
            _ = try await registry.createAddress(.init(text: "枫桥2号", unitID: own.id), officer)

            // The county is readable, not writable; admins' calls are refused by role.
            #expect(try await registry.getUnit(.init(id: bureau.id), officer).code == "QS")
            let changeCounty = try await #require(throws: RPCError.self) {
                _ = try await registry.createTeam(.init(name: "县局队", kind: .police, unitID: bureau.id), officer)
            }
            #expect(changeCounty.code == .permissionDenied)
            let byRole = try await #require(throws: RPCError.self) {
                _ = try await registry.createUnit(.init(code: "FQ-C2", name: "新社区", kind: .community, parentID: stations[0].id), officer)
            }
            #expect(byRole.code == .permissionDenied)

            // An import names units by code: another station's codes are unknown codes.
            let imported = try await registry.importResidents(.init(rows: [
                .init(rowNumber: 1, name: "甲", kind: .registered, unitCode: "FQ-C1"),
                .init(rowNumber: 2, name: "乙", kind: .registered, unitCode: "DX-C1"),
            ]), officer)
            #expect(imported.imported == 1)
            #expect(imported.rejected.map(\.rowNumber) == [2])
            #expect(imported.rejected.map(\.field) == ["unit_code"])
            #expect(try await registry.getUnitStats(.init(unitID: stations[1].id), admin).residentsRegistered == 1)
        }
    }

    /// Missing, malformed, forged and revoked credentials are refused; a station admin issues only
    /// its own station's station roles.
    @Test func credentialsAreCheckedAndRevocable() async throws {
        try await withRunningRegistry { running in
            let client = registryClient(running)
            defer { client.close() }
            let registry = RegistryV1.Registry.Client(client)
            let admin = options(running.adminToken)
            let bureau = try await registry.createUnit(.init(code: "QS", name: "青山县公安局", kind: .bureau), admin)
            let station = try await registry.createUnit(.init(code: "FQ", name: "枫桥派出所", kind: .station, parentID: bureau.id), admin)
            let other = try await registry.createUnit(.init(code: "DX", name: "东溪派出所", kind: .station, parentID: bureau.id), admin)
            let head = try await registry.registerPerson(.init(name: "所长", kinds: [.officer], homeUnitID: station.id), admin)
            let constable = try await registry.registerPerson(.init(name: "社区民警", kinds: [.officer], homeUnitID: station.id), admin)
            let stranger = try await registry.registerPerson(.init(name: "外所民警", kinds: [.officer], homeUnitID: other.id), admin)

            for token in [nil, "", "fq_1_short", "Bearer nonsense", running.adminToken.dropLast(2) + "AA"] as [String?] {
                let error = try await #require(throws: RPCError.self) { _ = try await registry.whoAmI(.init(), options(token)) }
                #expect(error.code == .unauthenticated, "\(String(describing: token?.prefix(6)))")
            }
            #expect(try await registry.whoAmI(.init(), admin).role == .countyAdmin)

            let stationAdmin = try await registry.issueCredential(.init(role: .stationAdmin, stationID: station.id, personID: head.id, label: "所长"), admin)
            let headOptions = options(stationAdmin.token)
            // A station admin issues officers of its own station, and nothing else.
            let officer = try await registry.issueCredential(.init(role: .officer, stationID: station.id, personID: constable.id), headOptions)
            #expect(officer.credential?.stationID == station.id)
            let county = try await #require(throws: RPCError.self) {
                _ = try await registry.issueCredential(.init(role: .analyst, personID: constable.id), headOptions)
            }
            #expect(county.code == .permissionDenied)
            let elsewhere = try await #require(throws: RPCError.self) {
                _ = try await registry.issueCredential(.init(role: .officer, stationID: other.id, personID: stranger.id), headOptions)
            }
            #expect(elsewhere.code == .notFound)
            let wrongPerson = try await #require(throws: RPCError.self) {
                _ = try await registry.issueCredential(.init(role: .officer, stationID: station.id, personID: stranger.id), admin)
            }
            #expect(wrongPerson.code == .failedPrecondition)
            #expect(wrongPerson.fieldViolations.map(\.field) == ["person_id"])

            // Listing shows credentials, never tokens; revoking takes effect on the next call here.
            let listed = try await registry.listCredentials(.init(), headOptions).credentials
            #expect(Set(listed.map(\.id)) == [stationAdmin.credential!.id, officer.credential!.id])
            let officerOptions = options(officer.token)
            #expect(try await registry.whoAmI(.init(), officerOptions).personID == constable.id)
            _ = try await registry.revokeCredential(.init(id: officer.credential!.id, reason: "调离"), headOptions)
            let revoked = try await #require(throws: RPCError.self) { _ = try await registry.whoAmI(.init(), officerOptions) }
            #expect(revoked.code == .unauthenticated)
            #expect(revoked.message.contains("revoked"))
        }
    }
}

/// docs/SECURITY.md's roles table says what the code does.
@Suite struct SecurityDocumentTests {
    @Test func theRolesTableMatchesThePolicy() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/SECURITY.md"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let start = try #require(lines.firstIndex { $0.hasPrefix("| method | county_admin") })
        let header = lines[start]
        let rows = lines[(start + 2)...].prefix { $0.hasPrefix("|") }
        let roles = header.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.dropFirst().prefix(Role.allCases.count)
            .compactMap(Role.init(rawValue:))
        #expect(roles.count == Role.allCases.count)
        var documented: [String: Set<Role>] = [:]
        for line in rows {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let method = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            documented["/fengqiao.registry.v1.Registry/" + method] = Set(zip(roles, cells[2...]).filter { $0.1 == "✓" }.map(\.0))
        }
        let policy = RegistryHandler.accessPolicy.rules.mapValues(\.roles)
        #expect(documented == policy)
    }
}

extension RegistryCLITests {
    /// The CLI's credential commands, and where it reads a token from.
    @Test func credentialsThroughTheCommandLine() async throws {
        try await withRunningRegistry { registry in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fq-cred-" + UUID().uuidString).path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            _ = try await registry.cli(["unit", "create", "--code", "QS", "--name", "青山县公安局", "--kind", "bureau"])
            _ = try await registry.cli(["unit", "create", "--code", "FQ", "--name", "枫桥派出所", "--kind", "station", "--parent", "QS"])
            let person = try firstID(try await registry.cli(["person", "add", "--name", "社区民警", "--kind", "officer", "--unit", "FQ", "--json"]))

            let tokenFile = folder + "/officer.token"
            let issued = try await registry.cli([
                "credential", "issue", "--role", "officer", "--station", "FQ", "--person", "\(person)", "--label", "社区民警", "--out", tokenFile,
            ])
            #expect(issued.status == 0)
            #expect(!issued.standardOutput.contains("fq_"), "the token goes to the file only")
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: tokenFile)[.posixPermissions] as? Int)
            #expect(mode == 0o600)

            let whoami = try await registry.run("fengqiao", ["credential", "whoami", "--token-file", tokenFile, "--json"], token: .some(nil))
            let me = try #require(try objects(whoami).first)
            #expect(me["role"] as? String == "officer")
            #expect(me["personID"] as? Int == person)

            let anonymous = try await registry.run("fengqiao", ["unit", "show", "FQ"], token: .some(nil))
            #expect(anonymous.status == 1)
            #expect(anonymous.standardError.contains("UNAUTHENTICATED"))
            let missingFile = try await registry.run("fengqiao", ["unit", "show", "FQ", "--token-file", folder + "/nope"], token: .some(nil))
            #expect(missingFile.status == 64)

            let listed = try objects(try await registry.cli(["credential", "list", "--station", "FQ", "--json"]))
            let id = try #require(listed.first?["id"] as? Int)
            #expect(listed.count == 1)
            _ = try await registry.cli(["credential", "revoke", "\(id)", "--reason", "调离"])
            let refused = try await registry.run("fengqiao", ["credential", "whoami", "--token-file", tokenFile], token: .some(nil))
            #expect(refused.status == 1)
            #expect(refused.standardError.contains("revoked"))
            #expect(try objects(try await registry.cli(["credential", "list", "--station", "FQ", "--json"])).isEmpty)
            #expect(try objects(try await registry.cli(["credential", "list", "--station", "FQ", "--all", "--json"])).count == 1)
        }
    }
}
