import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoTestSupport
import RegistryService
import Testing

/// The unit tree against a real database with the registry's migrations applied.
@Suite struct UnitStoreTests {
    func withStore(_ body: (UnitStore, PostgresPool) async throws -> Void) async throws {
        try await withMigratedRegistry(maximumConnections: 2) { pool in
        try await body(UnitStore(pool: pool), pool)
        }
    }

    func new(_ code: String, _ name: String, _ kind: RegistryV1.UnitKind, under parent: RegistryV1.Unit?) -> UnitStore.NewUnit {
        UnitStore.NewUnit(code: code, name: name, kind: kind, parentID: parent?.id, location: nil)
    }

    @Test func buildsTheTreeWithStations() async throws {
        try await withStore { units, _ in
            let bureau = try await units.create(new("QS", "青山县公安局", .bureau, under: nil))
            let station = try await units.create(new("QS-FQ", "枫桥派出所", .station, under: bureau))
            let room = try await units.create(new("QS-FQ-R1", "东街警务室", .policeRoom, under: station))
            let grid = try await units.create(new("QS-FQ-G1", "第一网格", .grid, under: room))
            let community = try await units.create(new("QS-FQ-C1", "东街社区", .community, under: grid))
            #expect(bureau.stationID == 0)
            #expect(station.stationID == station.id)
            #expect([room.stationID, grid.stationID, community.stationID] == [station.id, station.id, station.id])
            #expect(community.parentID == grid.id)
            #expect(try await units.get(code: "QS-FQ-C1").name == "东街社区")
        }
    }

    @Test func refusesWrongParentsDuplicatesAndUnknownParents() async throws {
        try await withStore { units, _ in
            let bureau = try await units.create(new("QS", "青山县公安局", .bureau, under: nil))
            let station = try await units.create(new("QS-A", "甲派出所", .station, under: bureau))

            let wrongKind = try await #require(throws: RegistryError.self) {
                try await units.create(new("QS-X", "村", .village, under: bureau))
            }
            #expect(wrongKind.code == .failedPrecondition)
            #expect(wrongKind.field == "parent_id")

            let taken = try await #require(throws: RegistryError.self) {
                try await units.create(new("QS-A", "重复", .station, under: bureau))
            }
            #expect(taken.code == .alreadyExists)
            #expect(taken.field == "code")

            let missing = try await #require(throws: RegistryError.self) {
                try await units.create(UnitStore.NewUnit(code: "QS-Y", name: "无", kind: .grid, parentID: 999_999, location: nil))
            }
            #expect(missing.code == .notFound)
            #expect(missing.field == "parent_id")
            _ = station
        }
    }

    @Test func movingASubtreeKeepsHistoryAndRefusesCycles() async throws {
        try await withStore { units, _ in
            let bureau = try await units.create(new("QS", "青山县公安局", .bureau, under: nil))
            let a = try await units.create(new("A", "甲派出所", .station, under: bureau))
            let b = try await units.create(new("B", "乙派出所", .station, under: bureau))
            let room = try await units.create(new("A-R", "甲警务室", .policeRoom, under: a))
            let grid = try await units.create(new("A-G", "甲网格", .grid, under: room))
            let village = try await units.create(new("A-V", "甲村", .village, under: grid))

            // The grid (with its village) moves from station A's room straight under station B.
            let moved = try await units.update(id: grid.id, name: "乙网格", parentID: b.id, location: nil, reason: "辖区调整")
            #expect(moved.parentID == b.id)
            #expect(moved.stationID == b.id)
            #expect(moved.name == "乙网格")
            #expect(try await units.get(id: village.id).stationID == b.id)

            let subtreeOfB = try await units.list(parentID: b.id, subtree: true, kinds: [], nameContains: "", page: PageBounds(size: 50, after: 0))
            #expect(Set(subtreeOfB.units.map(\.id)) == [grid.id, village.id])
            let subtreeOfA = try await units.list(parentID: a.id, subtree: true, kinds: [], nameContains: "", page: PageBounds(size: 50, after: 0))
            #expect(subtreeOfA.units.map(\.id) == [room.id])

            let history = try await units.history(id: grid.id)
            #expect(history.map(\.change) == ["created", "renamed", "moved"])
            #expect(history[2].oldParentID == room.id)
            #expect(history[2].newParentID == b.id)
            #expect(history[2].reason == "辖区调整")

            // Moving B's grid under its own village would make a cycle (and the kind is wrong too).
            let cycle = try await #require(throws: RegistryError.self) {
                try await units.update(id: grid.id, name: nil, parentID: village.id, location: nil, reason: "")
            }
            #expect(cycle.code == .failedPrecondition)
            #expect(cycle.message.contains("descendant"))
        }
    }

    @Test func listsPageByKeysetAndSearchChineseNames() async throws {
        try await withStore { units, _ in
            let bureau = try await units.create(new("QS", "青山县公安局", .bureau, under: nil))
            let station = try await units.create(new("S", "枫桥派出所", .station, under: bureau))
            var created: [Int64] = []
            for index in 1...7 {
                let name = index % 2 == 0 ? "枫溪社区\(index)" : "东山村\(index)"
                created.append(try await units.create(new("S-\(index)", name, index % 2 == 0 ? .community : .village, under: station)).id)
            }
            var seen: [Int64] = []
            var page = PageBounds(size: 3, after: 0)
            var pages = 0
            while true {
                let result = try await units.list(parentID: station.id, subtree: false, kinds: [], nameContains: "", page: page)
                seen += result.units.map(\.id)
                pages += 1
                guard let token = PageToken(text: result.nextPageToken) else { break }
                page.after = token.lastKey
            }
            #expect(seen == created)
            #expect(pages == 3)  // 3 + 3 + 1

            let search = try await units.list(parentID: 0, subtree: true, kinds: [], nameContains: "枫溪", page: PageBounds(size: 50, after: 0))
            #expect(search.units.count == 3)
            let villages = try await units.list(parentID: station.id, subtree: false, kinds: [.village], nameContains: "", page: PageBounds(size: 50, after: 0))
            #expect(villages.units.count == 4)
            // Wildcards in the search text match literally.
            let literal = try await units.list(parentID: 0, subtree: true, kinds: [], nameContains: "%", page: PageBounds(size: 50, after: 0))
            #expect(literal.units.isEmpty)
        }
    }
}
