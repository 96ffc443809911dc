import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoRPC
import FengqiaoTestSupport
import RegistryService
import Testing

/// The registry served over real TCP on loopback, called through the generated client.
@Suite struct RegistryRPCTests {
    func withRegistry(
        clientInterceptors: [any ClientInterceptor] = [],
        _ body: (RegistryV1.Registry.Client) async throws -> Void
    ) async throws {
        try await withMigratedRegistry(maximumConnections: 4) { pool in
        let server = RPCServer(
            configuration: RPCServerConfiguration(host: "127.0.0.1", port: 0),
            services: [RegistryHandler(pool: pool, personal: testPersonalData, today: { CalendarDate(year: 2026, month: 11, day: 23)! })],
            logger: TestPostgres.testLogger())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPort()
            let client = RPCClient(
                configuration: RPCClientConfiguration(addresses: [RPCAddress(host: "127.0.0.1", port: port)]),
                interceptors: clientInterceptors)
            do {
                try await body(RegistryV1.Registry.Client(client))
            } catch {
                client.close()
                server.beginGracefulShutdown()
                throw error
            }
            client.close()
            server.beginGracefulShutdown()
            try await group.waitForAll()
        }
        }
    }

    func rpcError(_ body: () async throws -> Void) async throws -> RPCError {
        try await #require(throws: RPCError.self) { try await body() }
    }

    @Test func createGetAndValidate() async throws {
        try await withRegistry { registry in
            let bureau = try await registry.createUnit(.init(code: "QS", name: "青山县公安局", kind: .bureau))
            let station = try await registry.createUnit(.init(code: "QS-FQ", name: "枫桥派出所", kind: .station, parentID: bureau.id))
            #expect(try await registry.getUnit(.init(code: "QS-FQ")).id == station.id)

            // Every bad field at once, each named.
            let invalid = try await rpcError {
                _ = try await registry.createUnit(.init(code: "bad code!", name: "", kind: .unspecified, parentID: 0,
                    location: CommonV1.GeoPoint(latitude: 100, longitude: 0)))
            }
            #expect(invalid.code == .invalidArgument)
            #expect(invalid.fieldViolations.map(\.field) == ["code", "name", "kind", "parent_id", "location.latitude"])

            let missing = try await rpcError { _ = try await registry.createUnit(.init(code: "QS-X", name: "某所", kind: .station, parentID: 424_242)) }
            #expect(missing.code == .notFound)
            #expect(missing.fieldViolations.map(\.field) == ["parent_id"])

            let taken = try await rpcError { _ = try await registry.createUnit(.init(code: "QS-FQ", name: "重复", kind: .station, parentID: bureau.id)) }
            #expect(taken.code == .alreadyExists)
            #expect(taken.fieldViolations.map(\.field) == ["code"])

            let wrongParent = try await rpcError { _ = try await registry.createUnit(.init(code: "QS-V", name: "村", kind: .village, parentID: bureau.id)) }
            #expect(wrongParent.code == .failedPrecondition)

            let badID = try await rpcError {
                _ = try await registry.registerPerson(.init(name: "李四", kinds: [.officer], homeUnitID: station.id, phone: "13812345678", nationalID: "110105194912310021"))
            }
            #expect(badID.code == .invalidArgument)
            #expect(badID.fieldViolations.map(\.field) == ["national_id"])
            #expect(!badID.message.contains("110105194912310021"))
        }
    }

    @Test func pagingThroughTheWire() async throws {
        try await withRegistry { registry in
            let bureau = try await registry.createUnit(.init(code: "QS", name: "青山县公安局", kind: .bureau))
            for index in 1...12 {
                _ = try await registry.createUnit(.init(code: "S\(index)", name: "派出所\(index)", kind: .station, parentID: bureau.id))
            }
            var token = ""
            var names: [String] = []
            repeat {
                let page = try await registry.listUnits(.init(parentID: bureau.id, page: CommonV1.PageRequest(pageSize: 5, pageToken: token)))
                names += page.units.map(\.name)
                token = page.page?.nextPageToken ?? ""
            } while !token.isEmpty
            #expect(names == (1...12).map { "派出所\($0)" })

            let badToken = try await rpcError {
                _ = try await registry.listUnits(.init(parentID: bureau.id, page: CommonV1.PageRequest(pageSize: 900, pageToken: "forged")))
            }
            #expect(badToken.fieldViolations.map(\.field) == ["page.page_size", "page.page_token"])
        }
    }

    @Test func listingAddressesAndBuildingsThroughTheWire() async throws {
        try await withRegistry { registry in
            let bureau = try await registry.createUnit(.init(code: "QS", name: "青山县公安局", kind: .bureau))
            let station = try await registry.createUnit(.init(code: "FQ", name: "枫桥派出所", kind: .station, parentID: bureau.id))
            let east = try await registry.createUnit(.init(code: "FQ-C1", name: "东街社区", kind: .community, parentID: station.id))
            let west = try await registry.createUnit(.init(code: "FQ-C2", name: "西街社区", kind: .community, parentID: station.id))
            var addressIDs: [Int64] = []
            for number in 1...7 {
                addressIDs.append(try await registry.createAddress(.init(text: "东街\(number)号", unitID: east.id, qrCode: "QR-E\(number)")).id)
            }
            let westAddress = try await registry.createAddress(.init(text: "西街1号", unitID: west.id))

            // Pages of three: 3 + 3 + 1 addresses of 东街社区, in id order.
            var token = ""
            var pages: [[String]] = []
            repeat {
                let page = try await registry.listAddresses(.init(unitID: east.id, page: CommonV1.PageRequest(pageSize: 3, pageToken: token)))
                pages.append(page.addresses.map(\.text))
                token = page.page?.nextPageToken ?? ""
            } while !token.isEmpty
            #expect(pages == [["东街1号", "东街2号", "东街3号"], ["东街4号", "东街5号", "东街6号"], ["东街7号"]])
            #expect(try await registry.listAddresses(.init(unitID: station.id)).addresses.count == 8)
            #expect(try await registry.listAddresses(.init(unitID: station.id, textContains: "西街")).addresses.map(\.id) == [westAddress.id])
            // `%` and `_` match themselves, not any text.
            #expect(try await registry.listAddresses(.init(unitID: station.id, textContains: "%")).addresses.isEmpty)

            let first = try await registry.createBuilding(.init(addressID: addressIDs[0], name: "1号楼", floors: 6))
            let second = try await registry.createBuilding(.init(addressID: addressIDs[0], name: "2号楼", floors: 11))
            let third = try await registry.createBuilding(.init(addressID: westAddress.id, name: "1号楼", floors: 3))
            #expect(try await registry.listBuildings(.init(unitID: east.id)).buildings.map(\.id) == [first.id, second.id])
            #expect(try await registry.listBuildings(.init(addressID: westAddress.id)).buildings.map(\.id) == [third.id])
            #expect(try await registry.listBuildings(.init(unitID: bureau.id)).buildings.count == 3)
            #expect(try await registry.listBuildings(.init(unitID: west.id, addressID: addressIDs[0])).buildings.isEmpty)

            let noUnit = try await rpcError { _ = try await registry.listAddresses(.init(unitID: 999_999)) }
            #expect(noUnit.code == .notFound)
            #expect(noUnit.fieldViolations.map(\.field) == ["unit_id"])
            let noAddress = try await rpcError { _ = try await registry.listBuildings(.init(addressID: 999_999)) }
            #expect(noAddress.code == .notFound)
            #expect(noAddress.fieldViolations.map(\.field) == ["address_id"])
            let bad = try await rpcError {
                _ = try await registry.listBuildings(.init(unitID: -1, addressID: -2, page: CommonV1.PageRequest(pageSize: 0, pageToken: "forged")))
            }
            #expect(bad.code == .invalidArgument)
            #expect(bad.fieldViolations.map(\.field) == ["unit_id", "address_id", "page.page_token"])
        }
    }

    @Test func importThroughTheWire() async throws {
        try await withRegistry { registry in
            let bureau = try await registry.createUnit(.init(code: "QS", name: "青山县公安局", kind: .bureau))
            let station = try await registry.createUnit(.init(code: "FQ", name: "枫桥派出所", kind: .station, parentID: bureau.id))
            _ = try await registry.createUnit(.init(code: "FQ-C1", name: "东街社区", kind: .community, parentID: station.id))
            let rows = (1...300).map { n in
                RegistryV1.ResidentRow(rowNumber: Int64(n), name: "居民\(n)", kind: n % 4 == 0 ? .floating : .registered, unitCode: n == 150 ? "NOPE" : "FQ-C1")
            }
            let first = try await registry.importResidents(.init(rows: rows))
            #expect(first.imported == 299)
            #expect(first.rejected.map(\.rowNumber) == [150])
            let second = try await registry.importResidents(.init(rows: rows))
            #expect(second.imported == 0)
            #expect(second.duplicates == 299)
            let stats = try await registry.getUnitStats(.init(unitID: station.id))
            // Rows 4, 8, …, 300 are floating: 75 of them; row 150 (registered) was rejected.
            #expect(stats.residentsFloating == 75)
            #expect(stats.residentsRegistered == 224)
            let tooMany = try await rpcError { _ = try await registry.importResidents(.init(rows: Array(repeating: rows[0], count: 5_001))) }
            #expect(tooMany.code == .invalidArgument)
        }
    }
}
