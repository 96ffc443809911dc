import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoTestSupport
import RegistryService
import Testing

@Suite struct PersonStoreTests {
    struct Fixture {
        var units: UnitStore
        var people: PersonStore
        var stationA: RegistryV1.Unit
        var stationB: RegistryV1.Unit
        var villageA: RegistryV1.Unit
    }

    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        try await withMigratedRegistry(maximumConnections: 2) { pool in
        let units = UnitStore(pool: pool)
        let bureau = try await units.create(.init(code: "QS", name: "青山县公安局", kind: .bureau, parentID: nil, location: nil))
        let a = try await units.create(.init(code: "A", name: "甲派出所", kind: .station, parentID: bureau.id, location: nil))
        let b = try await units.create(.init(code: "B", name: "乙派出所", kind: .station, parentID: bureau.id, location: nil))
        let village = try await units.create(.init(code: "A-V", name: "甲村", kind: .village, parentID: a.id, location: nil))
        try await body(Fixture(units: units, people: PersonStore(pool: pool, personal: testPersonalData), stationA: a, stationB: b, villageA: village))
        }
    }

    static let id1 = try? NationalIDNumber("11010519491231002X")
    static let phone1 = MobilePhoneNumber("13812345678")

    @Test func registerUpdateDeactivate() async throws {
        try await withFixture { f in
            let person = try await f.people.register(.init(
                name: "李国钢", kinds: [.officer, .mediator], homeUnitID: f.villageA.id, phone: Self.phone1, nationalID: Self.id1))
            #expect(person.stationID == f.stationA.id)
            #expect(Set(person.kinds) == [.officer, .mediator])
            #expect(person.nationalID == "110105********002X")  // masked, as every answer shows it
            #expect(person.phone == "138****5678")
            #expect(person.active)

            let duplicate = try await #require(throws: RegistryError.self) {
                try await f.people.register(.init(name: "另一人", kinds: [.volunteer], homeUnitID: f.villageA.id, phone: nil, nationalID: Self.id1))
            }
            #expect(duplicate.code == .alreadyExists)
            #expect(duplicate.field == "national_id")

            let moved = try await f.people.update(id: person.id, name: nil, kinds: [.officer], homeUnitID: f.stationB.id, phone: .some(nil))
            #expect(moved.stationID == f.stationB.id)
            #expect(moved.kinds == [.officer])
            #expect(moved.phone == "")

            let inactive = try await f.people.deactivate(id: person.id, reason: "调离")
            #expect(!inactive.active)
            let refused = try await #require(throws: RegistryError.self) {
                try await f.people.update(id: person.id, name: "新名", kinds: nil, homeUnitID: nil, phone: nil)
            }
            #expect(refused.code == .failedPrecondition)
        }
    }

    @Test func listFiltersBySubtreeKindAndActivity() async throws {
        try await withFixture { f in
            for index in 1...5 {
                _ = try await f.people.register(.init(
                    name: "红袖章队员\(index)", kinds: [.volunteer], homeUnitID: f.villageA.id, phone: nil, nationalID: nil))
            }
            let officer = try await f.people.register(.init(name: "王警官", kinds: [.officer], homeUnitID: f.stationB.id, phone: nil, nationalID: nil))
            _ = try await f.people.deactivate(id: try await f.people.list(unitID: f.stationA.id, kind: nil, includeInactive: false, nameContains: "5", page: .init(size: 10, after: 0)).people[0].id, reason: "")

            let inA = try await f.people.list(unitID: f.stationA.id, kind: nil, includeInactive: false, nameContains: "", page: .init(size: 10, after: 0))
            #expect(inA.people.count == 4)
            let inAAll = try await f.people.list(unitID: f.stationA.id, kind: nil, includeInactive: true, nameContains: "", page: .init(size: 10, after: 0))
            #expect(inAAll.people.count == 5)
            let officers = try await f.people.list(unitID: 0, kind: .officer, includeInactive: false, nameContains: "", page: .init(size: 10, after: 0))
            #expect(officers.people.map(\.id) == [officer.id])
            let firstPage = try await f.people.list(unitID: 0, kind: nil, includeInactive: true, nameContains: "", page: .init(size: 4, after: 0))
            #expect(firstPage.people.count == 4)
            #expect(!firstPage.nextPageToken.isEmpty)
        }
    }
}
