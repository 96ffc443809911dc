import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import Testing

/// Text that looks like SQL is stored and returned exactly as sent; text with control characters is
/// refused, naming the field, and stores nothing — for every free-text field the registry stores.
extension RegistryRPCTests {
    static let sqlLike = [
        "Robert'); DROP TABLE registry.person;--",
        "' OR '1'='1' --",
        "100%_done \\ $1 ::text",
        "社区\"; SELECT pg_sleep(5); --",
        "<script>alert('x')</script>",
    ]
    static let controls = ["响铃\u{07}", "两\n行", "\u{1B}[2J清屏", "制表\t符", "空\u{0}字"]

    @Test func sqlLookingTextIsStoredLiterallyAndControlCharactersAreRefused() async throws {
        try await withRegistry { registry in
            let bureau = try await registry.createUnit(.init(code: "QS", name: "青山县公安局", kind: .bureau))
            let station = try await registry.createUnit(.init(code: "FQ", name: "枫桥派出所", kind: .station, parentID: bureau.id))
            let village = try await registry.createUnit(.init(code: "FQ-V", name: "枫源村", kind: .village, parentID: station.id))
            let officer = try await registry.registerPerson(.init(name: "李国钢", kinds: [.officer], homeUnitID: station.id))
            let team = try await registry.createTeam(.init(name: "红袖章", kind: .redArmband, unitID: station.id))
            let address = try await registry.createAddress(.init(text: "枫源村1号", unitID: village.id))
            let building = try await registry.createBuilding(.init(addressID: address.id, name: "1号楼", floors: 6))

            // Each free-text field, with the most characters it takes: a call that stores `text` in it
            // and answers what is stored on reading it back.
            typealias Store = @Sendable (String, Int) async throws -> String
            let fields: [(field: String, maxLength: Int, store: Store)] = [
                ("name", 50, { text, n in
                    let unit = try await registry.createUnit(.init(code: "U\(n)", name: text, kind: .community, parentID: station.id))
                    return try await registry.getUnit(.init(id: unit.id)).name
                }),
                ("reason", 50, { text, n in
                    _ = try await registry.updateUnit(.init(id: village.id, name: "枫源村\(n)", reason: text))
                    return try await registry.getUnitHistory(.init(id: village.id)).changes.last?.reason ?? ""
                }),
                ("name", 50, { text, _ in
                    let person = try await registry.registerPerson(.init(name: text, kinds: [.volunteer], homeUnitID: village.id))
                    return try await registry.getPerson(.init(id: person.id)).name
                }),
                ("name", 50, { text, _ in
                    let created = try await registry.createTeam(.init(name: text, kind: .volunteerService, unitID: station.id))
                    return try await registry.listTeams(.init(unitID: station.id, page: .init(pageSize: 500))).teams.first { $0.id == created.id }?.name ?? ""
                }),
                ("role", 50, { text, _ in
                    let person = try await registry.registerPerson(.init(name: "队员", kinds: [.volunteer], homeUnitID: village.id))
                    _ = try await registry.addTeamMember(.init(teamID: team.id, personID: person.id, role: text, startDate: .init(year: 2026, month: 1, day: 1)))
                    return try await registry.listTeamMembers(.init(teamID: team.id, on: .init(year: 2026, month: 6, day: 1))).members
                        .first { $0.personID == person.id }?.role ?? ""
                }),
                ("text", 50, { text, _ in
                    let created = try await registry.createAddress(.init(text: text, unitID: village.id))
                    return try await registry.listAddresses(.init(unitID: village.id, page: .init(pageSize: 500))).addresses.first { $0.id == created.id }?.text ?? ""
                }),
                ("name", 50, { text, _ in
                    let created = try await registry.createBuilding(.init(addressID: address.id, name: text, floors: 3))
                    return try await registry.listBuildings(.init(addressID: address.id, page: .init(pageSize: 500))).buildings.first { $0.id == created.id }?.name ?? ""
                }),
                ("door", 20, { text, n in
                    let household = try await registry.createHousehold(.init(buildingID: building.id, floor: Int32(n % 6 + 1), door: text))
                    return try await registry.getFloorPlan(.init(buildingID: building.id)).floors.flatMap(\.households)
                        .first { $0.household?.id == household.id }?.household?.door ?? ""
                }),
                ("name", 50, { text, _ in
                    let resident = try await registry.registerResident(.init(name: text, kind: .floating, unitID: village.id))
                    return try await registry.listResidents(.init(unitID: village.id, page: .init(pageSize: 500))).residents.first { $0.id == resident.id }?.name ?? ""
                }),
                ("name", 50, { text, _ in
                    let created = try await registry.createActualUnit(.init(name: text, kind: .shop, addressID: address.id))
                    return try await registry.listActualUnits(.init(unitID: village.id, page: .init(pageSize: 500))).actualUnits.first { $0.id == created.id }?.name ?? ""
                }),
                ("name", 50, { text, _ in
                    let created = try await registry.createChatGroup(.init(name: text, kind: .residents, unitID: village.id, memberCount: 10))
                    return try await registry.listChatGroups(.init(unitID: village.id, page: .init(pageSize: 500))).chatGroups.first { $0.id == created.id }?.name ?? ""
                }),
            ]
            var n = 0
            for (field, maxLength, store) in fields {
                for text in Self.sqlLike.map({ String($0.prefix(maxLength)) }) {
                    n += 1
                    #expect(try await store(text, n) == text, "\(field) #\(n)")
                }
                for text in Self.controls {
                    n += 1
                    do {
                        let stored = try await store(text, n)
                        Issue.record("\(field) took \(text.debugDescription) and stored \(stored.debugDescription)")
                    } catch let refused as RPCError {
                        #expect(refused.code == .invalidArgument, "\(field): \(text.debugDescription)")
                        #expect(refused.fieldViolations.map(\.field) == [field], "\(field): \(text.debugDescription)")
                    }
                }
            }
            // The refused calls stored nothing: only the SQL-looking rows are there.
            #expect(try await registry.listUnits(.init(parentID: station.id, page: .init(pageSize: 500))).units.count == 1 + Self.sqlLike.count)
            #expect(try await registry.listResidents(.init(unitID: village.id, page: .init(pageSize: 500))).residents.count == Self.sqlLike.count)
            #expect(try await registry.getPerson(.init(id: officer.id)).name == "李国钢")
        }
    }

    /// U+0000 sent past the Swift client's own refusal, as a client in another language may send
    /// it: the server refuses the call naming the field, and stores nothing, not the text before it.
    @Test func nulSentPastTheClientIsRefusedNamingTheField() async throws {
        try await withRegistry(clientInterceptors: [NULInjector()]) { registry in
            let bureau = try await registry.createUnit(.init(code: "QS", name: "青山县公安局", kind: .bureau))
            for (field, call) in [
                ("name", { _ = try await registry.createUnit(.init(code: "K1", name: NULInjector.marked, kind: .station, parentID: bureau.id)) }),
                // UpdateUnitRequest.name is a google.protobuf.StringValue, named as the field.
                ("name", { _ = try await registry.updateUnit(.init(id: bureau.id, name: NULInjector.marked, reason: "更正")) }),
                ("reason", { _ = try await registry.updateUnit(.init(id: bureau.id, name: "青山县", reason: NULInjector.marked)) }),
            ] as [(String, () async throws -> Void)] {
                let refused = try await rpcError(call)
                #expect(refused.code == .invalidArgument, "\(field)")
                #expect(refused.fieldViolations == [RPCV1.FieldViolation(field: field, description: "must not contain U+0000")])
            }
            #expect(try await registry.listUnits(.init(page: .init(pageSize: 500))).units.map(\.name) == ["青山县公安局"])
            #expect(try await registry.getUnitHistory(.init(id: bureau.id)).changes.allSatisfy { $0.reason != "空" })
        }
    }
}

/// Turns 空 U+0001 字 in a request's payload into 空 U+0000 字 (E7 A9 BA 00 E5 AD 97): the same
/// length, so the encoding stays valid, with the NUL the Swift client itself would refuse to send.
struct NULInjector: ClientInterceptor {
    static let marked = "空\u{1}字"

    func intercept(request: ClientRequest, next: Next) async throws -> [UInt8] {
        let pattern = Array(Self.marked.utf8)
        var request = request
        var index = 0
        while index + pattern.count <= request.payload.count {
            if Array(request.payload[index..<(index + pattern.count)]) == pattern {
                request.payload[index + 3] = 0
            }
            index += 1
        }
        return try await next(request)
    }
}
