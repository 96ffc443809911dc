import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoTestSupport
import RegistryService
import Testing

@Suite struct PlaceAndImportTests {
    struct Fixture {
        var places: PlaceStore
        var residents: ResidentStore
        var imports: ImportStore
        var station: RegistryV1.Unit
        var grid: RegistryV1.Unit
        var community: RegistryV1.Unit
        var otherStationGrid: RegistryV1.Unit
    }

    static let today = CalendarDate(year: 2026, month: 11, day: 23)!

    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        try await withMigratedRegistry(maximumConnections: 2) { pool in
        let units = UnitStore(pool: pool)
        let bureau = try await units.create(.init(code: "QS", name: "青山县公安局", kind: .bureau, parentID: nil, location: nil))
        let station = try await units.create(.init(code: "FQ", name: "枫桥派出所", kind: .station, parentID: bureau.id, location: nil))
        let grid = try await units.create(.init(code: "FQ-G1", name: "第一网格", kind: .grid, parentID: station.id, location: nil))
        let community = try await units.create(.init(code: "FQ-C1", name: "东街社区", kind: .community, parentID: grid.id, location: nil))
        let other = try await units.create(.init(code: "XS", name: "西山派出所", kind: .station, parentID: bureau.id, location: nil))
        let otherGrid = try await units.create(.init(code: "XS-G1", name: "西山网格", kind: .grid, parentID: other.id, location: nil))
        try await body(Fixture(
            places: PlaceStore(pool: pool, personal: testPersonalData), residents: ResidentStore(pool: pool, personal: testPersonalData), imports: ImportStore(pool: pool, personal: testPersonalData),
            station: station, grid: grid, community: community, otherStationGrid: otherGrid))
        }
    }

    @Test func addressesPlatesAndFloorPlan() async throws {
        try await withFixture { f in
            let address = try await f.places.createAddress(text: "东街1号", unitID: f.community.id, gridID: f.grid.id, qrCode: "QS-0000001", location: nil)
            #expect(address.stationID == f.station.id)
            let resolved = try await f.places.resolve(qrCode: "QS-0000001")
            #expect(resolved.address?.id == address.id)
            #expect(resolved.unit?.code == "FQ-C1")
            #expect(resolved.grid?.code == "FQ-G1")
            await #expect(throws: RegistryError.self) { try await f.places.resolve(qrCode: "QS-9999999") }
            let taken = try await #require(throws: RegistryError.self) {
                try await f.places.createAddress(text: "东街2号", unitID: f.community.id, gridID: nil, qrCode: "QS-0000001", location: nil)
            }
            #expect(taken.field == "qr_code")
            let foreignGrid = try await #require(throws: RegistryError.self) {
                try await f.places.createAddress(text: "东街3号", unitID: f.community.id, gridID: f.otherStationGrid.id, qrCode: nil, location: nil)
            }
            #expect(foreignGrid.field == "grid_id")

            let building = try await f.places.createBuilding(addressID: address.id, name: "3号楼", floors: 6)
            let h301 = try await f.places.createHousehold(buildingID: building.id, floor: 3, door: "301", addressID: nil)
            let h302 = try await f.places.createHousehold(buildingID: building.id, floor: 3, door: "302", addressID: nil)
            let h601 = try await f.places.createHousehold(buildingID: building.id, floor: 6, door: "601", addressID: nil)
            await #expect(throws: RegistryError.self) {
                try await f.places.createHousehold(buildingID: building.id, floor: 7, door: "701", addressID: nil)
            }
            for (name, household) in [("王一", h301), ("王二", h301), ("李三", h601)] {
                _ = try await f.residents.register(.init(name: name, kind: .registered, nationalID: nil, phone: nil, householdID: household.id, unitID: nil, movedIn: nil))
            }
            let movedOut = try await f.residents.register(.init(name: "赵四", kind: .floating, nationalID: nil, phone: nil, householdID: h302.id, unitID: nil, movedIn: CalendarDate("2025-01-01")))
            _ = try await f.residents.moveOut(id: movedOut.id, on: try #require(CalendarDate("2026-01-01")))

            let plan = try await f.places.floorPlan(buildingID: building.id)
            #expect(plan.floors.map(\.floor) == [6, 3])
            #expect(plan.floors[0].households.map { $0.household?.door } == ["601"])
            #expect(plan.floors[1].households.map { $0.household?.door } == ["301", "302"])
            #expect(plan.floors[1].households[0].residents.map(\.name) == ["王一", "王二"])
            #expect(plan.floors[1].households[1].residents.isEmpty)  // moved out
        }
    }

    @Test func importResidentsWithGoodBadAndDuplicateRows() async throws {
        try await withFixture { f in
            _ = try await f.places.createAddress(text: "东街9号", unitID: f.community.id, gridID: nil, qrCode: "QS-0000009", location: nil)
            func row(_ n: Int64, _ name: String, _ kind: RegistryV1.ResidentKind = .registered, id: String = "", phone: String = "", unit: String = "FQ-C1", qr: String = "") -> RegistryV1.ResidentRow {
                RegistryV1.ResidentRow(rowNumber: n, name: name, kind: kind, nationalID: id, phone: phone, unitCode: unit, qrCode: qr)
            }
            let rows = [
                row(1, "张三", id: "11010519491231002X", phone: "13812345678"),
                row(2, "李四", .floating, id: "440304199001011233", qr: "QS-0000009"),
                row(3, "王五", id: "110105194912310021"),  // wrong check character
                row(4, "", id: "330681198503150013"),  // no name
                row(5, "赵六", unit: "NOPE"),  // unknown unit
                row(6, "钱七", phone: "12345"),  // bad phone
                row(7, "张三重复", id: "11010519491231002X"),  // same ID as row 1: a duplicate
                row(8, "孙八", .unspecified),  // no kind
                row(9, "周九", qr: "QS-9999999"),  // unknown plate
                row(10, "吴十", .floating),
            ]
            let first = try await f.imports.importResidents(rows, today: Self.today)
            #expect(first.imported == 3)  // rows 1, 2, 10
            #expect(first.duplicates == 1)  // row 7
            #expect(first.rejected.map(\.rowNumber) == [3, 4, 5, 6, 8, 9])
            #expect(first.rejected.map(\.field) == ["national_id", "name", "unit_code", "phone", "kind", "qr_code"])

            let again = try await f.imports.importResidents(rows, today: Self.today)
            #expect(again.imported == 0)
            #expect(again.duplicates == 4)
            let stored = try await f.residents.list(unitID: f.station.id, kind: nil, includeMovedOut: true, nameContains: "", page: .init(size: 50, after: 0))
            #expect(stored.residents.map(\.name).sorted() == ["吴十", "张三", "李四"])
            #expect(stored.residents.first { $0.name == "李四" }?.householdID != 0)
        }
    }

    @Test func importAddressesTwiceAddsNothing() async throws {
        try await withFixture { f in
            var rows: [RegistryV1.AddressRow] = []
            for n in 1...2_000 {
                rows.append(RegistryV1.AddressRow(rowNumber: Int64(n), text: "东街\(n)号", unitCode: "FQ-C1", gridCode: "FQ-G1", qrCode: String(format: "QS-%07d", n)))
            }
            rows.append(RegistryV1.AddressRow(rowNumber: 2_001, text: "西街1号", unitCode: "FQ-C1", gridCode: "XS-G1", qrCode: ""))
            rows.append(RegistryV1.AddressRow(rowNumber: 2_002, text: "", unitCode: "FQ-C1", gridCode: "", qrCode: ""))
            rows.append(RegistryV1.AddressRow(rowNumber: 2_003, text: "北街1号", unitCode: "FQ", gridCode: "", qrCode: ""))  // a station is no place
            let first = try await f.imports.importAddresses(rows)
            #expect(first.imported == 2_000)
            #expect(first.rejected.map(\.rowNumber) == [2_001, 2_002, 2_003])
            let second = try await f.imports.importAddresses(rows)
            #expect(second.imported == 0)
            #expect(second.duplicates == 2_000)
            #expect(try await f.places.resolve(qrCode: "QS-0001234").address?.text == "东街1234号")
        }
    }
}
