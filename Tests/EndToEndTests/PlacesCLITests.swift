import FengqiaoTestSupport
import Foundation
import Testing

/// 一标三实, chat groups, statistics, and changes to units and people, through the real `fengqiao`
/// binary against the real registry.
extension RegistryCLITests {
    /// Decodes `--json` output as a list of objects.
    func objects(_ result: CommandResult) throws -> [[String: Any]] {
        try #require(result.status == 0, "exit \(result.status): \(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
    }

    func firstID(_ result: CommandResult) throws -> Int {
        try #require(try objects(result).first?["id"] as? Int)
    }

    @Test func addressesBuildingsResidentsVenuesAndChatGroupsThroughTheCommandLine() async throws {
        try await withRegistry { cli in
            _ = try await cli(["unit", "create", "--code", "QS", "--name", "青山县公安局", "--kind", "bureau"])
            _ = try await cli(["unit", "create", "--code", "FQ", "--name", "枫桥派出所", "--kind", "station", "--parent", "QS"])
            _ = try await cli(["unit", "create", "--code", "FQ-G1", "--name", "东街网格", "--kind", "grid", "--parent", "FQ"])
            #expect(try await cli(["unit", "create", "--code", "FQ-C1", "--name", "东街社区", "--kind", "community", "--parent", "FQ-G1"]).status == 0)

            // Addresses: a plate is unique, and an address lies in a place, not in a station.
            let addressID = try firstID(try await cli([
                "address", "add", "--text", "枫桥镇东街1号", "--unit", "FQ-C1", "--grid", "FQ-G1", "--qr", "QR-FQ-1", "--json",
            ]))
            let samePlate = try await cli(["address", "add", "--text", "枫桥镇东街2号", "--unit", "FQ-C1", "--qr", "QR-FQ-1"])
            #expect(samePlate.status == 1)
            #expect(samePlate.standardError.contains("ALREADY_EXISTS"))
            #expect(samePlate.standardError.contains("qr_code"))
            let inStation = try await cli(["address", "add", "--text", "枫桥镇东街3号", "--unit", "FQ"])
            #expect(inStation.status == 1)
            #expect(inStation.standardError.contains("FAILED_PRECONDITION"))
            #expect(inStation.standardError.contains("unit_id"))
            #expect(try objects(try await cli(["address", "list", "--unit", "FQ", "--json"])).map { $0["text"] as? String } == ["枫桥镇东街1号"])
            #expect(try objects(try await cli(["address", "list", "--unit", "FQ", "--text", "西街", "--json"])).isEmpty)

            // A building, a household on its third floor, and a resident in it.
            let buildingID = try firstID(try await cli(["building", "add", "--address", "\(addressID)", "--name", "1号楼", "--floors", "6", "--json"]))
            #expect(try objects(try await cli(["building", "list", "--unit", "QS", "--json"])).map { $0["name"] as? String } == ["1号楼"])
            #expect(try objects(try await cli(["building", "list", "--address", "\(addressID)", "--json"])).count == 1)
            let householdID = try firstID(try await cli([
                "household", "add", "--building", "\(buildingID)", "--floor", "3", "--door", "302", "--json",
            ]))
            #expect(try await cli(["household", "add", "--door", "302"]).status == 64)
            // 11010519491231002X: the weighted digit sum is 167, 167 mod 11 = 2, so the check character is X.
            let zhangID = try firstID(try await cli([
                "resident", "add", "--name", "张三", "--kind", "registered", "--household", "\(householdID)",
                "--national-id", "11010519491231002X", "--moved-in", "2020-05-01", "--json",
            ]))
            _ = try firstID(try await cli(["resident", "add", "--name", "李四", "--kind", "floating", "--unit", "FQ-C1", "--json"]))
            let badResident = try await cli(["resident", "add", "--name", "王五", "--kind", "floating", "--unit", "FQ-C1", "--national-id", "110105194912310021"])
            #expect(badResident.status == 1)
            #expect(badResident.standardError.contains("national_id"))

            let plan = try await cli(["building", "floor-plan", "\(buildingID)"])
            #expect(plan.status == 0)
            // Columns are as wide as their widest cell plus two spaces; HOUSEHOLD is 9 wide.
            #expect(plan.standardOutput == """
                1号楼 (6 floors, building \(buildingID))
                FLOOR  DOOR  HOUSEHOLD  RESIDENTS
                3      302   \(String(householdID).padding(toLength: 11, withPad: " ", startingAt: 0))张三(户籍)

                """)

            #expect(try objects(try await cli(["resident", "list", "--unit", "FQ", "--json"])).count == 2)
            #expect(try objects(try await cli(["resident", "list", "--unit", "FQ", "--kind", "floating", "--json"])).map { $0["name"] as? String } == ["李四"])
            let movedOut = try objects(try await cli(["resident", "move-out", "\(zhangID)", "--on", "2026-03-01", "--json"]))
            #expect(movedOut.first?["movedOut"] as? String == "2026-03-01")
            #expect(try objects(try await cli(["resident", "list", "--unit", "FQ", "--json"])).map { $0["name"] as? String } == ["李四"])
            #expect(try objects(try await cli(["resident", "list", "--unit", "FQ", "--moved-out", "--json"])).count == 2)
            #expect(try objects(try await cli(["resident", "list", "--unit", "FQ", "--moved-out", "--limit", "1", "--json"])).count == 1)

            // Actual units: a small venue must say which of the nine kinds.
            _ = try firstID(try await cli([
                "actual-unit", "add", "--name", "东街网吧", "--kind", "small-venue", "--venue", "internet-cafe", "--address", "\(addressID)", "--json",
            ]))
            let noVenue = try await cli(["actual-unit", "add", "--name", "东街小店", "--kind", "small-venue", "--address", "\(addressID)"])
            #expect(noVenue.status == 1)
            #expect(noVenue.standardError.contains("small_venue_kind"))
            let venues = try objects(try await cli(["actual-unit", "list", "--unit", "FQ", "--kind", "small-venue", "--json"]))
            #expect(venues.map { $0["smallVenueKind"] as? String } == ["internet_cafe"])

            // Chat groups: services add up; the member count is replaced.
            let groupID = try firstID(try await cli([
                "chat-group", "add", "--name", "东街居民群", "--kind", "residents", "--unit", "FQ-C1", "--members", "120", "--json",
            ]))
            _ = try await cli(["chat-group", "record", "\(groupID)", "--services", "5"])
            let recorded = try objects(try await cli(["chat-group", "record", "\(groupID)", "--services", "3", "--members", "130", "--json"]))
            #expect(recorded.first?["servicesDelivered"] as? Int == 8)
            #expect(recorded.first?["memberCount"] as? Int == 130)
            #expect(try await cli(["chat-group", "record", "\(groupID)"]).status == 64)
            #expect(try objects(try await cli(["chat-group", "list", "--unit", "QS", "--json"])).count == 1)

            // The station's counts: 张三 moved out, so no registered resident is left and one floating.
            let stats = try objects(try await cli(["unit", "stats", "FQ", "--json"]))
            #expect(stats.first?["residentsRegistered"] as? Int == 0)
            #expect(stats.first?["residentsFloating"] as? Int == 1)
            #expect(stats.first?["addresses"] as? Int == 1)
            #expect(stats.first?["qrPlates"] as? Int == 1)
            #expect(stats.first?["actualUnits"] as? [String: Int] == ["small_venue": 1])
            #expect(stats.first?["chatGroups"] as? Int == 1)
            #expect(stats.first?["chatGroupServices"] as? Int == 8)
        }
    }

    @Test func unitsPeopleAndTeamsChangeThroughTheCommandLine() async throws {
        try await withRegistry { cli in
            _ = try await cli(["unit", "create", "--code", "QS", "--name", "青山县公安局", "--kind", "bureau"])
            _ = try await cli(["unit", "create", "--code", "FQ", "--name", "枫桥派出所", "--kind", "station", "--parent", "QS"])
            _ = try await cli(["unit", "create", "--code", "DX", "--name", "东溪派出所", "--kind", "station", "--parent", "QS"])
            _ = try await cli(["unit", "create", "--code", "FQ-R1", "--name", "东街警务室", "--kind", "police-room", "--parent", "FQ"])
            _ = try await cli(["unit", "create", "--code", "FQ-G1", "--name", "东街网格", "--kind", "grid", "--parent", "FQ-R1"])

            // Rename, then move the grid from the police room to the station itself.
            let renamed = try objects(try await cli(["unit", "update", "FQ-G1", "--name", "东街一网格", "--reason", "网格调整", "--json"]))
            #expect(renamed.first?["name"] as? String == "东街一网格")
            let roomID = try #require(try objects(try await cli(["unit", "show", "FQ-R1", "--json"])).first?["id"] as? Int)
            let stationID = try #require(try objects(try await cli(["unit", "show", "FQ", "--json"])).first?["id"] as? Int)
            let moved = try objects(try await cli(["unit", "update", "FQ-G1", "--parent", "FQ", "--json"]))
            #expect(moved.first?["parentID"] as? Int == stationID)
            let cycle = try await cli(["unit", "update", "FQ", "--parent", "FQ-G1"])
            #expect(cycle.status == 1)
            #expect(try await cli(["unit", "update", "FQ-G1"]).status == 64)
            let history = try objects(try await cli(["unit", "history", "FQ-G1", "--json"]))
            #expect(history.map { $0["change"] as? String } == ["created", "renamed", "moved"])
            #expect(history[1]["oldName"] as? String == "东街网格")
            #expect(history[1]["reason"] as? String == "网格调整")
            #expect(history[2]["oldParentID"] as? Int == roomID)
            #expect(history[2]["newParentID"] as? Int == stationID)

            // People: update the phone, then deactivate; the list hides inactive people unless asked.
            let personID = try firstID(try await cli(["person", "add", "--name", "陈红", "--kind", "volunteer", "--unit", "FQ", "--json"]))
            let updated = try objects(try await cli(["person", "update", "\(personID)", "--phone", "13900001111", "--kind", "volunteer", "informant", "--json"]))
            #expect(updated.first?["phone"] as? String == "139****1111")  // masked, as every answer shows it
            #expect(updated.first?["kinds"] as? [String] == ["informant", "volunteer"])
            let badPhone = try await cli(["person", "update", "\(personID)", "--phone", "12345"])
            #expect(badPhone.status == 1)
            #expect(badPhone.standardError.contains("phone"))
            #expect(try objects(try await cli(["person", "deactivate", "\(personID)", "--reason", "迁出", "--json"])).first?["active"] as? Bool == false)
            #expect(try objects(try await cli(["person", "list", "--unit", "FQ", "--json"])).isEmpty)
            #expect(try objects(try await cli(["person", "list", "--unit", "FQ", "--all", "--json"])).count == 1)

            // Teams of a station and of the whole county.
            _ = try await cli(["team", "create", "--name", "红袖章义警队", "--kind", "red-armband", "--unit", "FQ"])
            _ = try await cli(["team", "create", "--name", "志愿服务队", "--kind", "volunteer-service", "--unit", "DX"])
            #expect(try objects(try await cli(["team", "list", "--unit", "FQ", "--json"])).map { $0["name"] as? String } == ["红袖章义警队"])
            #expect(try objects(try await cli(["team", "list", "--json"])).count == 2)
            #expect(try objects(try await cli(["team", "list", "--kind", "volunteer-service", "--json"])).map { $0["name"] as? String } == ["志愿服务队"])

            // A mediator's load, as mediation would report it.
            let mediatorID = try firstID(try await cli(["person", "add", "--name", "老周", "--kind", "mediator", "--unit", "FQ", "--json"]))
            _ = try await cli(["mediator", "set", "--person", "\(mediatorID)", "--tier", "gold", "--force", "five-elders", "--max-open", "4"])
            let load = try objects(try await cli(["mediator", "report-load", "--person", "\(mediatorID)", "--open", "3", "--json"]))
            #expect(load.first?["openCases"] as? Int == 3)
            #expect(load.first?["maxOpenCases"] as? Int == 4)

            // One row per station and a total: 老周 is the one active person, at 枫桥.
            let perStation = try await cli(["unit", "stats", "QS", "--children"])
            #expect(perStation.status == 0)
            let rows = perStation.standardOutput.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(rows.map { $0.first } == ["UNIT", "FQ", "DX", "TOTAL"])
            #expect(rows.dropFirst().map { $0[7] } == ["1", "0", "1"])
        }
    }
}
