import FengqiaoPostgres
import FengqiaoTestSupport
import Foundation
import Testing

/// The real `fengqiao-registry` process, driven by the real `fengqiao` binary over TCP.
@Suite struct RegistryCLITests {
    func withRegistry(_ body: (_ cli: ([String]) async throws -> CommandResult) async throws -> Void) async throws {
        try await TestPostgres.withFreshDatabase { configuration in
            let url = configuration.options.map { "\($0.keyword)='\($0.value.replacingOccurrences(of: "'", with: "\\'"))'" }.joined(separator: " ")
            let registry = try ServiceProcess(
                BuiltProduct.path("fengqiao-registry"), arguments: ["--listen", "127.0.0.1:0"],
                environment: ["FENGQIAO_DATABASE_URL": url, "FENGQIAO_LOG_LEVEL": "info"])
            do {
                let port = try await registry.listeningPort()
                let cli = { (arguments: [String]) in
                    try await runCommand(BuiltProduct.path("fengqiao"), arguments, environment: ["FENGQIAO_REGISTRY_ADDR": "127.0.0.1:\(port)"])
                }
                try await body(cli)
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

    @Test func healthFailsWhenNothingListens() async throws {
        let result = try await runCommand(BuiltProduct.path("fengqiao"), ["health", "--addr", "127.0.0.1:1", "--timeout", "2"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("UNAVAILABLE"))
    }
}
