import FengqiaoTestSupport
import Foundation
import Testing

/// The demo county as `scripts/demo` loads it: through the RPCs and the CLI, and only once however
/// often it runs.
extension RegistryCLITests {
    @Test func theDemoCountyLoadsOnceHoweverOftenItRuns() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fq-demo-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withRunningRegistry { registry in
            func load() async throws -> [String] {
                var outputs: [String] = []
                for (product, arguments) in [
                    ("fengqiao-demo-county", ["organisation", "--out", folder]),
                    ("fengqiao", ["import", "addresses", folder + "/addresses.csv", "--chunk", "2000"]),
                    ("fengqiao-demo-county", ["places"]),
                    ("fengqiao", ["import", "residents", folder + "/residents.csv", "--chunk", "2000"]),
                ] {
                    let result = try await registry.run(product, arguments)
                    try #require(result.status == 0, "\(product) \(arguments): \(result.standardError)")
                    outputs.append(result.standardOutput)
                }
                return outputs
            }

            // Counted from the plan's tables by hand: 1 bureau, 6 stations, 17 police rooms and districts,
            // 22 grids, 30 places; the stations' team sizes add up to 166 + 108 + 84 + 102 + 96 + 98 people;
            // the places' address and resident counts to 2,165 and 6,960 (plus three broken resident rows).
            let first = try await load()
            #expect(first[0].contains("units: 76 added"))
            #expect(first[0].contains("people: 654 added"))
            #expect(first[0].contains("team members: 654 added"))
            #expect(first[1].contains("2165 rows: 2165 imported, 0 already present, 0 rejected"))
            #expect(first[3].contains("6963 rows: 6960 imported, 0 already present, 3 rejected"))
            let rejected = try String(contentsOfFile: folder + "/residents.csv.rejected.csv", encoding: .utf8)
            #expect(rejected.split(separator: "\n").map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
                == ["row,field", "6961,national_id", "6962,unit_code", "6963,name"])

            let second = try await load()
            for output in second {
                #expect(!output.contains(" added"), "\(output)")
            }
            #expect(second[1].contains("2165 rows: 0 imported, 2165 already present"))
            #expect(second[3].contains("6963 rows: 0 imported, 6960 already present, 3 rejected"))

            let stats = try await registry.cli(["unit", "stats", "QS", "--json"])
            let county = try #require((try JSONSerialization.jsonObject(with: Data(stats.standardOutput.utf8)) as? [[String: Any]])?.first)
            let registered = try #require(county["residentsRegistered"] as? Int)
            let floating = try #require(county["residentsFloating"] as? Int)
            // The imported residents plus those registered in the compounds' buildings, each counted once.
            let inBuildings = try #require(first[2].split(separator: "\n").first { $0.contains("residents in buildings") }?
                .split(separator: " ").compactMap { Int($0) }.first)
            #expect(registered + floating == 6_960 + inBuildings)
            #expect(county["addresses"] as? Int == 2_165)
            #expect(county["peopleActive"] as? Int == 654)
        }
    }
}
