import FengqiaoPostgres
import FengqiaoTestSupport
import Foundation
import Testing

/// The real `fengqiao-registry` process, driven by the real `fengqiao` binary over TCP.
@Suite struct RegistryCLITests {
    /// A running registry, and how to run built executables against it.
    struct RunningRegistry {
        var port: Int
        /// The county admin's token, from `fengqiao-registry bootstrap-admin`.
        var adminToken: String
        /// The process; its log holds everything the registry wrote (standard output and error).
        var process: ServiceProcess
        /// The database the registry serves (the owner's login), as a connection string.
        var databaseURL: String
        var logPath: String { process.logPath }

        /// Runs a built executable with the registry's address in `FENGQIAO_REGISTRY_ADDR` and a token
        /// (the admin's by default; `nil` for none) in `FENGQIAO_TOKEN`.
        func run(_ product: String, _ arguments: [String], token: String?? = .none) async throws -> CommandResult {
            var environment = ["FENGQIAO_REGISTRY_ADDR": "127.0.0.1:\(port)"]
            if let token = token ?? adminToken { environment["FENGQIAO_TOKEN"] = token }
            return try await runCommand(BuiltProduct.path(product), arguments, environment: environment)
        }

        /// Runs the `fengqiao` CLI as the county admin.
        func cli(_ arguments: [String]) async throws -> CommandResult {
            try await run("fengqiao", arguments)
        }
    }

    func withRegistry(_ body: (_ cli: ([String]) async throws -> CommandResult) async throws -> Void) async throws {
        try await withRunningRegistry { registry in try await body(registry.cli) }
    }

    /// Runs `body` with a fresh registry process on a fresh database, and a county admin's token;
    /// `extraEnvironment` adds settings (TLS, say) to both.
    func withRunningRegistry(
        listen: String = "127.0.0.1:0", logLevel: String = "info", extraEnvironment: [String: String] = [:],
        _ body: (RunningRegistry) async throws -> Void
    ) async throws {
        try await TestPostgres.withFreshDatabase { configuration in
            func conninfo(_ configuration: PostgresConfiguration) -> String {
                configuration.options.map { "\($0.keyword)='\($0.value.replacingOccurrences(of: "'", with: "\\'"))'" }.joined(separator: " ")
            }
            // As in production: the registry's own login serves, the owner's migrates.
            let url = conninfo(configuration)
            let serviceURL = conninfo(try TestPostgres.serviceConfiguration(role: "registry", database: configuration.database ?? ""))
            let environment = [
                "FENGQIAO_DATABASE_URL": serviceURL, "FENGQIAO_MIGRATION_DATABASE_URL": url, "FENGQIAO_LOG_LEVEL": logLevel,
                "FENGQIAO_PII_KEYS": TestPersonalData.keys,
            ].merging(extraEnvironment) { $1 }
            let bootstrap = try await runCommand(BuiltProduct.path("fengqiao-registry"), ["bootstrap-admin"], environment: environment)
            try #require(bootstrap.status == 0, "bootstrap-admin: \(bootstrap.standardError)")
            let token = bootstrap.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            let registry = try ServiceProcess(
                BuiltProduct.path("fengqiao-registry"), arguments: ["--listen", listen], environment: environment)
            do {
                let port = try await registry.listeningPort()
                try await body(RunningRegistry(port: port, adminToken: token, process: registry, databaseURL: url))
            } catch {
                await registry.stop()
                throw error
            }
            #expect(await registry.stop() == 0)
        }
    }

    @Test func unitsAndPeopleThroughTheCommandLine() async throws {
        try await withRegistry { cli in
            #expect(try await cli(["health"]).standardOutput == "serving\n")
            #expect(try await cli(["unit", "create", "--code", "QS", "--name", "青山县公安局", "--kind", "bureau"]).status == 0)
            #expect(try await cli(["unit", "create", "--code", "QS-FQ", "--name", "枫桥派出所", "--kind", "station", "--parent", "QS"]).status == 0)
            #expect(try await cli(["unit", "create", "--code", "QS-FQ-C1", "--name", "东街社区", "--kind", "community", "--parent", "QS-FQ"]).status == 0)

            // Chinese names take two columns each, so the KIND column starts at the same place on every line.
            let list = try await cli(["unit", "list", "--parent", "QS", "--subtree"])
            #expect(list.status == 0)
            #expect(list.standardOutput == """
                ID  CODE      NAME        KIND       PARENT  STATION
                2   QS-FQ     枫桥派出所  station    1       2
                3   QS-FQ-C1  东街社区    community  2       2

                """)
            #expect(try await cli(["unit", "tree", "QS"]).standardOutput == "青山县公安局  QS  bureau\n  枫桥派出所  QS-FQ  station\n    东街社区  QS-FQ-C1  community\n")

            let duplicate = try await cli(["unit", "create", "--code", "QS-FQ", "--name", "重复", "--kind", "station", "--parent", "QS"])
            #expect(duplicate.status == 1)
            #expect(duplicate.standardError.contains("ALREADY_EXISTS"))
            #expect(duplicate.standardError.contains("(code)"))
            #expect(duplicate.standardError.split(separator: "\n").count == 1)

            let badKind = try await cli(["unit", "create", "--code", "X", "--name", "x", "--kind", "villge", "--parent", "QS"])
            #expect(badKind.status == 64)
            #expect(badKind.standardError.contains("--kind must be one of"))

            let added = try await cli(["person", "add", "--name", "李国钢", "--kind", "officer", "mediator", "--unit", "QS-FQ", "--phone", "13812345678", "--json"])
            #expect(added.status == 0)
            let people = try JSONSerialization.jsonObject(with: Data(added.standardOutput.utf8)) as? [[String: Any]]
            #expect(people?.first?["name"] as? String == "李国钢")
            #expect(people?.first?["kinds"] as? [String] == ["mediator", "officer"])

            let badID = try await cli(["person", "add", "--name", "王五", "--kind", "volunteer", "--unit", "QS-FQ", "--national-id", "110105194912310021"])
            #expect(badID.status == 1)
            #expect(badID.standardError.contains("INVALID_ARGUMENT"))
            #expect(badID.standardError.contains("national_id"))
        }
    }

    @Test func teamsMediatorsAndPlatesThroughTheCommandLine() async throws {
        try await withRegistry { cli in
            _ = try await cli(["unit", "create", "--code", "QS", "--name", "青山县公安局", "--kind", "bureau"])
            _ = try await cli(["unit", "create", "--code", "FQ", "--name", "枫桥派出所", "--kind", "station", "--parent", "QS"])
            _ = try await cli(["unit", "create", "--code", "FQ-V1", "--name", "东山村", "--kind", "village", "--parent", "FQ"])
            let team = try await cli(["team", "create", "--name", "五老调解队", "--kind", "five-elders-mediation", "--unit", "FQ", "--json"])
            #expect(team.status == 0)
            let teamID = try #require((try JSONSerialization.jsonObject(with: Data(team.standardOutput.utf8)) as? [[String: Any]])?.first?["id"] as? Int)
            let person = try await cli(["person", "add", "--name", "老周", "--kind", "mediator", "volunteer", "--unit", "FQ-V1", "--json"])
            let personID = try #require((try JSONSerialization.jsonObject(with: Data(person.standardOutput.utf8)) as? [[String: Any]])?.first?["id"] as? Int)

            #expect(try await cli(["team", "add-member", "--team", "\(teamID)", "--person", "\(personID)", "--role", "队长", "--start", "2026-01-01"]).status == 0)
            let before = try await cli(["team", "members", "--team", "\(teamID)", "--on", "2025-12-31", "--json"])
            #expect(before.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]")
            let during = try await cli(["team", "members", "--team", "\(teamID)", "--on", "2026-06-01"])
            #expect(during.standardOutput.contains("老周"))
            #expect(during.standardOutput.contains("2026-01-01"))

            let set = try await cli(["mediator", "set", "--person", "\(personID)", "--tier", "silver", "--force", "five-elders",
                                     "--category", "neighbours", "debts", "--community", "FQ-V1", "--max-open", "4"])
            #expect(set.status == 0)
            // Level 4 needs silver: fits (+40), handles neighbours (+30), knows the village (+20), 0 of 4 open (+10).
            let ranked = try await cli(["mediator", "candidates", "--level", "4", "--category", "neighbours", "--community", "FQ-V1", "--json"])
            let candidates = try JSONSerialization.jsonObject(with: Data(ranked.standardOutput.utf8)) as? [[String: Any]]
            #expect(candidates?.count == 1)
            #expect(candidates?.first?["score"] as? Int == 100)
            #expect(candidates?.first?["tierFits"] as? Bool == true)
            let excluded = try await cli(["mediator", "candidates", "--level", "4", "--category", "neighbours", "--community", "FQ-V1",
                                          "--exclude", "\(personID)", "--json"])
            #expect(excluded.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[\n\n]")
            let badTier = try await cli(["mediator", "set", "--person", "\(personID)", "--tier", "platinum", "--force", "police"])
            #expect(badTier.status == 64)

            let plate = try await cli(["qr", "resolve", "QS-0000001"])
            #expect(plate.status == 1)
            #expect(plate.standardError.contains("NOT_FOUND"))
        }
    }

    @Test func importingAFileTwiceAddsNothingTheSecondTime() async throws {
        try await withRegistry { cli in
            _ = try await cli(["unit", "create", "--code", "QS", "--name", "青山县公安局", "--kind", "bureau"])
            _ = try await cli(["unit", "create", "--code", "FQ", "--name", "枫桥派出所", "--kind", "station", "--parent", "QS"])
            _ = try await cli(["unit", "create", "--code", "FQ-C1", "--name", "东街社区", "--kind", "community", "--parent", "FQ"])
            // 2,500 rows in chunks of 1,000: 2,497 good, row 10 has a bad ID number, row 20 a bad phone,
            // row 30 repeats row 1's ID number (a duplicate), and a quoted name holds a comma.
            var csv = "name,kind,national_id,phone,unit_code,qr_code,moved_in\n"
            for n in 1...2_500 {
                var nationalID = ""
                var phone = "138\(String(format: "%08d", n))"
                if n == 1 || n == 30 { nationalID = "11010519491231002X" }
                if n == 10 { nationalID = "110105194912310021" }
                if n == 20 { phone = "12345" }
                let name = n == 7 ? "\"王, 七\"" : "居民\(n)"
                csv += "\(name),\(n % 5 == 0 ? "floating" : "registered"),\(nationalID),\(phone),FQ-C1,,2020-01-01\n"
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("residents-\(UUID().uuidString).csv").path
            try csv.write(toFile: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: file); try? FileManager.default.removeItem(atPath: file + ".rejected.csv") }

            let first = try await cli(["import", "residents", file, "--chunk", "1000"])
            #expect(first.status == 0)
            #expect(first.standardOutput == "2500 rows: 2497 imported, 1 already present, 2 rejected (see \(file).rejected.csv)\n")
            let rejected = try String(contentsOfFile: file + ".rejected.csv", encoding: .utf8).split(separator: "\n")
            #expect(rejected.count == 3)
            #expect(rejected[1].hasPrefix("10,national_id,has a wrong check character,居民10,"))
            #expect(rejected[2].hasPrefix("20,phone,"))

            let second = try await cli(["import", "residents", file, "--json"])
            let summary = try JSONSerialization.jsonObject(with: Data(second.standardOutput.utf8)) as? [String: Any]
            #expect(summary?["imported"] as? Int == 0)
            #expect(summary?["duplicates"] as? Int == 2_498)
            #expect(summary?["rejected"] as? Int == 2)

            let missingColumn = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).csv").path
            try "name,kind\n张三,registered\n".write(toFile: missingColumn, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: missingColumn) }
            let refused = try await cli(["import", "residents", missingColumn])
            #expect(refused.status == 64)
            #expect(refused.standardError.contains("no column unit_code"))
        }
    }

    @Test func healthFailsWhenNothingListens() async throws {
        let result = try await runCommand(BuiltProduct.path("fengqiao"), ["health", "--addr", "127.0.0.1:1", "--timeout", "2"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("UNAVAILABLE"))
    }
}
