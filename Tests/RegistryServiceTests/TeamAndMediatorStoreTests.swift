import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoTestSupport
import RegistryService
import Testing

@Suite struct TeamAndMediatorStoreTests {
    struct Fixture {
        var units: UnitStore
        var people: PersonStore
        var teams: TeamStore
        var mediators: MediatorStore
        var bureau: RegistryV1.Unit
        var stationA: RegistryV1.Unit
        var stationB: RegistryV1.Unit
        var village: RegistryV1.Unit
    }

    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        try await withMigratedRegistry(maximumConnections: 2) { pool in
        let units = UnitStore(pool: pool)
        let bureau = try await units.create(.init(code: "QS", name: "青山县公安局", kind: .bureau, parentID: nil, location: nil))
        let a = try await units.create(.init(code: "A", name: "甲派出所", kind: .station, parentID: bureau.id, location: nil))
        let b = try await units.create(.init(code: "B", name: "乙派出所", kind: .station, parentID: bureau.id, location: nil))
        let village = try await units.create(.init(code: "A-V", name: "甲村", kind: .village, parentID: a.id, location: nil))
        try await body(Fixture(
            units: units, people: PersonStore(pool: pool, personal: testPersonalData), teams: TeamStore(pool: pool), mediators: MediatorStore(pool: pool),
            bureau: bureau, stationA: a, stationB: b, village: village))
        }
    }

    func day(_ text: String) throws -> CalendarDate { try #require(CalendarDate(text)) }

    @Test func membershipsByDate() async throws {
        try await withFixture { f in
            let team = try await f.teams.create(name: "红袖章义警队", kind: .redArmband, unitID: f.village.id)
            #expect(team.stationID == f.stationA.id)
            let taken = try await #require(throws: RegistryError.self) {
                try await f.teams.create(name: "红袖章义警队", kind: .redArmband, unitID: f.village.id)
            }
            #expect(taken.code == .alreadyExists)
            let atBureau = try await #require(throws: RegistryError.self) {
                try await f.teams.create(name: "县队", kind: .other, unitID: f.bureau.id)
            }
            #expect(atBureau.code == .failedPrecondition)

            let first = try await f.people.register(.init(name: "张大妈", kinds: [.volunteer], homeUnitID: f.village.id, phone: nil, nationalID: nil))
            let second = try await f.people.register(.init(name: "李大爷", kinds: [.volunteer], homeUnitID: f.village.id, phone: nil, nationalID: nil))
            _ = try await f.teams.addMember(teamID: team.id, personID: first.id, role: "队长", start: try day("2026-01-01"))
            _ = try await f.teams.addMember(teamID: team.id, personID: second.id, role: "队员", start: try day("2026-03-01"))
            let twice = try await #require(throws: RegistryError.self) {
                try await f.teams.addMember(teamID: team.id, personID: first.id, role: "队员", start: try day("2026-02-01"))
            }
            #expect(twice.code == .alreadyExists)
            let ended = try await f.teams.removeMember(teamID: team.id, personID: first.id, end: try day("2026-06-30"))
            #expect(ended.endDate == CommonV1.Date(year: 2026, month: 6, day: 30))
            let early = try await #require(throws: RegistryError.self) {
                try await f.teams.removeMember(teamID: team.id, personID: second.id, end: try day("2026-02-01"))
            }
            #expect(early.code == .failedPrecondition)

            func members(on text: String) async throws -> [String] {
                try await f.teams.members(teamID: team.id, on: try day(text), page: .init(size: 50, after: 0)).members.map(\.personName)
            }
            #expect(try await members(on: "2025-12-31") == [])
            #expect(try await members(on: "2026-02-15") == ["张大妈"])
            #expect(try await members(on: "2026-06-30") == ["张大妈", "李大爷"])
            #expect(try await members(on: "2026-07-01") == ["李大爷"])
        }
    }

    @Test func candidatesAreScopedRankedAndExcludeParties() async throws {
        try await withFixture { f in
            func mediator(_ name: String, home: RegistryV1.Unit, tier: RegistryV1.MediatorTier, categories: [CommonV1.DisputeCategory], knows: [Int64], open: Int32) async throws -> Int64 {
                let person = try await f.people.register(.init(name: name, kinds: [.mediator], homeUnitID: home.id, phone: nil, nationalID: nil))
                _ = try await f.mediators.set(.init(personID: person.id, tier: tier, force: .fiveElders, categories: categories, communityIDs: knows, maximumOpenCases: 5))
                _ = try await f.mediators.reportLoad(personID: person.id, openCases: open)
                return person.id
            }
            // Scores for a level-3 neighbours dispute in the village (hand-worked, see MediatorRanking):
            let copper = try await mediator("铜调解员", home: f.village, tier: .copper, categories: [.neighbours], knows: [f.village.id], open: 0)  // 40+30+20+10 = 100
            let gold = try await mediator("金调解员", home: f.stationA, tier: .gold, categories: [.neighbours], knows: [], open: 1)  // 40-10+30+8 = 68
            let county = try await mediator("县司法调解员", home: f.bureau, tier: .silver, categories: [.familyAndMarriage], knows: [], open: 0)  // 40-5+10 = 45
            let party = try await mediator("当事人", home: f.village, tier: .copper, categories: [.neighbours], knows: [f.village.id], open: 0)
            let otherStation = try await mediator("乙所调解员", home: f.stationB, tier: .gold, categories: [.neighbours], knows: [], open: 0)
            let retired = try await mediator("退休调解员", home: f.village, tier: .gold, categories: [.neighbours], knows: [f.village.id], open: 0)
            _ = try await f.people.deactivate(id: retired, reason: "退休")

            let ranked = try await f.mediators.candidates(
                level: 3, category: .neighbours, communityID: f.village.id, excluded: [party], stationID: 0, limit: 10)
            #expect(ranked.map { $0.mediator?.personID ?? 0 } == [copper, gold, county])
            #expect(ranked.map(\.score) == [100, 68, 45])
            #expect(!ranked.contains { $0.mediator?.personID == otherStation })
            #expect(ranked[1].reasons.contains("2 tiers above the copper needed (-10)"))

            let unknown = try await #require(throws: RegistryError.self) {
                try await f.mediators.set(.init(personID: copper, tier: .gold, force: .police, categories: [], communityIDs: [987_654], maximumOpenCases: 3))
            }
            #expect(unknown.field == "community_ids")
        }
    }
}
