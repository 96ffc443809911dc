import FengqiaoPostgres
import FengqiaoTestSupport
import Foundation
import Testing

/// The demo county as `scripts/demo` loads it: through the RPCs and the CLI, and only once however
/// often it runs.
extension RegistryCLITests {
    /// Loads the demo county as scripts/demo does, CSV files in `folder`; the four steps' outputs.
    func loadDemoCounty(_ registry: RunningRegistry, into folder: String) async throws -> [String] {
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

    @Test func theDemoCountyLoadsOnceHoweverOftenItRuns() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fq-demo-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withRunningRegistry { registry in
            // Counted from the plan's tables by hand: 1 bureau, 6 stations, 17 police rooms and districts,
            // 22 grids, 30 places; the stations' team sizes add up to 166 + 108 + 84 + 102 + 96 + 98 people;
            // the places' address and resident counts to 2,165 and 6,960 (plus three broken resident rows).
            let first = try await loadDemoCounty(registry, into: folder)
            #expect(first[0].contains("units: 76 added"))
            #expect(first[0].contains("people: 654 added"))
            #expect(first[0].contains("team members: 654 added"))
            #expect(first[1].contains("2165 rows: 2165 imported, 0 already present, 0 rejected"))
            #expect(first[3].contains("6963 rows: 6960 imported, 0 already present, 3 rejected"))
            let rejected = try String(contentsOfFile: folder + "/residents.csv.rejected.csv", encoding: .utf8)
            #expect(rejected.split(separator: "\n").map { $0.split(separator: ",").prefix(2).joined(separator: ",") }
                == ["row,field", "6961,national_id", "6962,unit_code", "6963,name"])

            let second = try await loadDemoCounty(registry, into: folder)
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

    /// Runs `body` with `fengqiao-mediation` beside `registry`, on its database, with a `service`
    /// credential issued through the CLI as scripts/demo does; `body` gets mediation's port.
    func withDemoMediation(_ registry: RunningRegistry, folder: String, _ body: (Int) async throws -> Void) async throws {
        let tokenFile = folder + "/mediation-service.token"
        let issued = try await registry.cli(["credential", "issue", "--role", "service", "--service", "mediation", "--out", tokenFile])
        try #require(issued.status == 0, "credential issue: \(issued.standardError)")
        let database = try PostgresConfiguration(registry.databaseURL).database ?? ""
        let serviceURL = try TestPostgres.serviceConfiguration(role: "mediation", database: database)
        let mediation = try ServiceProcess(
            BuiltProduct.path("fengqiao-mediation"), arguments: ["--listen", "127.0.0.1:0"],
            environment: [
                "FENGQIAO_DATABASE_URL": serviceURL.options.map { "\($0.keyword)='\($0.value)'" }.joined(separator: " "),
                "FENGQIAO_MIGRATION_DATABASE_URL": registry.databaseURL, "FENGQIAO_LOG_LEVEL": "info",
                "FENGQIAO_REGISTRY_ADDR": "127.0.0.1:\(registry.port)", "FENGQIAO_SERVICE_TOKEN_FILE": tokenFile,
                "FENGQIAO_PII_KEYS": TestPersonalData.keys,
            ])
        do {
            try await body(try await mediation.listeningPort())
        } catch {
            await mediation.stop()
            throw error
        }
        #expect(await mediation.stop() == 0, "mediation log:\n\(mediation.log.suffix(2000))")
    }

    @Test func theDemoCountysDisputesAreFiledOnceHoweverOftenItRuns() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fq-demo-" + UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withRunningRegistry { registry in
            _ = try await loadDemoCounty(registry, into: folder)
            try await withDemoMediation(registry, folder: folder) { port in
                func run(_ arguments: [String]) async throws -> String {
                    let result = try await registry.run("fengqiao-demo-county", arguments + ["--mediation-addr", "127.0.0.1:\(port)"])
                    try #require(result.status == 0, "\(arguments): \(result.standardError)")
                    return result.standardOutput
                }
                /// The report's figures and spread, without what depends on the hour it runs (overdue now).
                func figures(_ report: String) -> [String] {
                    report.split(separator: "\n").prefix { !$0.hasPrefix("Most overdue") }.map { line in
                        line.hasPrefix("QS") ? line.split(separator: " ").enumerated().filter { $0.offset != 8 }.map(\.element).joined(separator: " ") : String(line)
                    }
                }

                let first = try await run(["disputes", "--credentials", folder])
                #expect(first.contains("officer credentials: 6 added"))
                // The stations' quotas, added by hand: 80 + 56 + 48 + 72 + 60 + 50 disputes, 2 + 1 + 1 + 2 + 2 + 1
                // failures, 2 of them taken to court, and 3 settled by several departments.
                #expect(first.contains("disputes: 366 added"))
                #expect(first.contains("failures: 9 added"))
                #expect(first.contains("escalations to litigation: 2 added"))
                let report = try await run(["mediation-report"])
                let county = try #require(report.split(separator: "\n").first { $0.hasPrefix("QS ") }?.split(separator: " ").map(String.init))
                #expect(county[1] == "366")
                #expect(county[3] == "9")
                #expect(county[6] == "5")
                for station in ["QS-PC", "QS-YZ"] {
                    // 平川 and 燕竹 escalate nothing beyond the station (矛盾零上交).
                    #expect(report.split(separator: "\n").first { $0.hasPrefix(station) }?.split(separator: " ")[6] == "0")
                }

                let second = try await run(["disputes", "--credentials", folder])
                #expect(second.contains("officer credentials: 6 already there"))
                #expect(second.contains("disputes: 366 already there"))
                #expect(!second.contains(" added"), "\(second)")
                #expect(figures(try await run(["mediation-report"])) == figures(report))
            }
        }
    }
}
