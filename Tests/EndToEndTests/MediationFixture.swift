import FengqiaoAccess
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoRPC
import FengqiaoTestSupport
import Foundation
import RegistryService
import Testing

/// A running registry and a running `fengqiao-mediation` beside it, with a small county: two
/// stations (FQ with a grid and a village, XS with a community), people and credentials for every
/// role, three mediators of different tiers, and residents in two households of the village.
struct MediationFixture {
    var registry: RegistryCLITests.RunningRegistry
    var mediation: ServiceProcess
    var mediationPort: Int
    /// The service login's database URL for mediation, and the owner's.
    var ownerURL: String
    /// Tokens by name: admin, officer, station-admin, mediator (老银's), other-officer, analyst, patrol, service.
    var tokens: [String: String]
    /// Ids of units (QS, FQ, XS, FQ-G1, FQ-V1, XS-C1) and people (officer, 老金, 老银, 老锡, 老铁, other-officer, …).
    var units: [String: Int64]
    var people: [String: Int64]
    /// Residents of FQ-V1: 0 and 1 share household A (with 老锡, by ID number); 2 lives in household B; 3 is XS's.
    var residents: [Int64]
    var households: [Int64]
    /// The environment mediation runs with, to start another mediation process beside it.
    var environment: [String: String]

    /// A client of the mediation service.
    func client() -> RPCClient {
        var configuration = RPCClientConfiguration(addresses: [RPCAddress(host: "127.0.0.1", port: mediationPort)])
        configuration.maximumAttempts = 1
        return RPCClient(configuration: configuration)
    }

    func options(_ name: String?, timeout: Duration = .seconds(10)) -> CallOptions {
        CallOptions(timeout: timeout, metadata: name.flatMap { tokens[$0] }.map { ["authorization": "Bearer " + $0] } ?? [:])
    }

    /// Rows in a mediation table, counted as the owner.
    func count(_ table: String) async throws -> Int64 {
        let pool = PostgresPool(configuration: try PostgresConfiguration(ownerURL), options: .init(maximumConnections: 1), logger: TestPostgres.testLogger())
        defer { Task { await pool.close() } }
        return try await pool.queryValue("SELECT count(*) FROM \(unsafeRaw: table)", as: Int64.self)
    }

    /// A filing in FQ-V1 between residents 0 (applicant) and 2 (respondent), with a fresh key.
    func filing(
        category: CommonV1.DisputeCategory = .neighbours, people: Int32 = 2, flags: [MediationV1.RiskFlag] = [],
        parties: [MediationV1.PartyInput]? = nil, reportedAt: Int64 = 0, key: String = UUID().uuidString
    ) -> MediationV1.FileDisputeRequest {
        MediationV1.FileDisputeRequest(
            idempotencyKey: key, source: .onSiteCall, category: category,
            parties: parties ?? [
                .init(name: "刘建国", role: .applicant, phone: "13957501234", nationalID: RegistryCLITests.idNumbers[0], residentID: residents[0]),
                .init(name: "王秀英", role: .respondent, residentID: residents[2]),
            ],
            communityID: units["FQ-V1"]!, gridID: units["FQ-G1"]!, description: "两户因院墙滴水发生争执", peopleInvolved: people,
            riskFlags: flags, reportedAtMs: reportedAt)
    }
}

extension RegistryCLITests {
    /// Runs `body` with a registry and a mediation service on a fresh database (see ``MediationFixture``).
    /// `registryAddress` points mediation at another registry (a stalled one, say).
    func withMediation(
        logLevel: String = "info", registryAddress: String? = nil, extraEnvironment: [String: String] = [:],
        _ body: (MediationFixture) async throws -> Void
    ) async throws {
        try await withRunningRegistry(logLevel: logLevel) { running in
            let client = registryClient(running)
            defer { client.close() }
            let registry = RegistryV1.Registry.Client(client)
            let admin = options(running.adminToken)
            var units: [String: Int64] = [:]
            for (code, name, kind, parent) in [
                ("QS", "青山县公安局", RegistryV1.UnitKind.bureau, ""), ("FQ", "枫桥派出所", .station, "QS"), ("XS", "西山派出所", .station, "QS"),
                ("FQ-G1", "枫源网格", .grid, "FQ"), ("FQ-V1", "枫源村", .village, "FQ-G1"), ("XS-C1", "西山社区", .community, "XS"),
            ] {
                units[code] = try await registry.createUnit(.init(code: code, name: name, kind: kind, parentID: units[parent] ?? 0), admin).id
            }
            var people: [String: Int64] = [:]
            for (name, kind, unit, nationalID) in [
                ("officer", RegistryV1.PersonKind.officer, "FQ", ""), ("station-admin", .officer, "FQ", ""), ("other-officer", .officer, "XS", ""),
                ("analyst", .officer, "QS", ""), ("patrol", .volunteer, "FQ", ""), ("老金", .volunteer, "FQ-V1", ""),
                ("老银", .volunteer, "FQ-V1", ""), ("老锡", .volunteer, "FQ-V1", RegistryCLITests.idNumbers[3]), ("老铁", .volunteer, "FQ-V1", ""),
                ("陈法官", .volunteer, "QS", ""),
            ] {
                people[name] = try await registry.registerPerson(
                    .init(name: name, kinds: [kind], homeUnitID: units[unit]!, nationalID: nationalID), admin).id
            }
            for (name, tier) in [("老金", RegistryV1.MediatorTier.gold), ("老银", .silver), ("老锡", .tin), ("老铁", .iron)] {
                _ = try await registry.setMediatorProfile(
                    .init(personID: people[name]!, tier: tier, force: .fiveElders, categories: [.neighbours, .landAndHomestead],
                          communityIDs: [units["FQ-V1"]!], maxOpenCases: 20), admin)
            }
            var tokens = ["admin": running.adminToken]
            for (name, role, station, person) in [
                ("officer", Role.officer, "FQ", "officer"), ("station-admin", .stationAdmin, "FQ", "station-admin"),
                ("mediator", .mediator, "FQ", "老银"), ("other-officer", .officer, "XS", "other-officer"), ("analyst", .analyst, "", "analyst"),
                ("patrol", .patrolMember, "FQ", "patrol"), ("service", .service, "", ""), ("mediation-service", .service, "", ""),
            ] {
                tokens[name] = try await registry.issueCredential(
                    .init(role: RegistryV1.Role(role), stationID: station.isEmpty ? 0 : units[station]!, personID: person.isEmpty ? 0 : people[person]!,
                          serviceName: role == .service ? (name == "service" ? "patrol" : "mediation") : ""), admin).token
            }
            // Households A and B in the village; 老锡 is resident 1 of household A (by ID number).
            let addressA = try await registry.createAddress(.init(text: "枫源村1号", unitID: units["FQ-V1"]!), admin)
            let addressB = try await registry.createAddress(.init(text: "枫源村2号", unitID: units["FQ-V1"]!), admin)
            let householdA = try await registry.createHousehold(.init(addressID: addressA.id), admin).id
            let householdB = try await registry.createHousehold(.init(addressID: addressB.id), admin).id
            var residents: [Int64] = []
            for (name, household, nationalID) in [
                ("刘建国", householdA, RegistryCLITests.idNumbers[0]), ("赵老锡", householdA, RegistryCLITests.idNumbers[3]),
                ("王秀英", householdB, RegistryCLITests.idNumbers[1]),
            ] {
                residents.append(try await registry.registerResident(
                    .init(name: name, kind: .registered, nationalID: nationalID, householdID: household), admin).id)
            }
            residents.append(try await registry.registerResident(.init(name: "孙西山", kind: .registered, unitID: units["XS-C1"]!), admin).id)

            let serviceURL = try TestPostgres.serviceConfiguration(role: "mediation", database: try PostgresConfiguration(running.databaseURL).database ?? "")
            let environment = [
                "FENGQIAO_DATABASE_URL": serviceURL.options.map { "\($0.keyword)='\($0.value)'" }.joined(separator: " "),
                "FENGQIAO_MIGRATION_DATABASE_URL": running.databaseURL, "FENGQIAO_LOG_LEVEL": logLevel,
                "FENGQIAO_REGISTRY_ADDR": registryAddress ?? "127.0.0.1:\(running.port)",
                "FENGQIAO_SERVICE_TOKEN": tokens["mediation-service"]!, "FENGQIAO_PII_KEYS": TestPersonalData.keys,
            ].merging(extraEnvironment) { $1 }
            let mediation = try ServiceProcess(BuiltProduct.path("fengqiao-mediation"), arguments: ["--listen", "127.0.0.1:0"], environment: environment)
            let fixture: MediationFixture
            do {
                fixture = MediationFixture(
                    registry: running, mediation: mediation, mediationPort: try await mediation.listeningPort(), ownerURL: running.databaseURL,
                    tokens: tokens, units: units, people: people, residents: residents, households: [householdA, householdB],
                    environment: environment)
                try await body(fixture)
            } catch {
                await mediation.stop()
                throw error
            }
            #expect(await mediation.stop() == 0, "mediation log:\n\(mediation.log.suffix(2000))")
        }
    }
}
