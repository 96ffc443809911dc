import FengqiaoMessages
import FengqiaoRPC
import Testing

@Suite("Health service")
struct HealthTests {
    @Test("Check answers per service", arguments: [
        ("", HealthV1.CheckResponse.ServingStatus.serving),
        ("fengqiao.testing.v1.Echo", .serving),
        ("fengqiao.health.v1.Health", .serving),
        ("fengqiao.nothing.v1.Nothing", .serviceUnknown),
    ])
    func check(service: String, expected: HealthV1.CheckResponse.ServingStatus) async throws {
        try await withEchoServer { echo, _, _ in
            let health = HealthV1.Health.Client(echo.client)
            let answer = try await health.check(.init(service: service))
            #expect(answer.status == expected)
        }
    }

    @Test("a service's status can be set")
    func setStatus() async throws {
        try await withEchoServer { echo, server, _ in
            let health = HealthV1.Health.Client(echo.client)
            server.health.set(.notServing, for: "fengqiao.testing.v1.Echo")
            let echoStatus = try await health.check(.init(service: "fengqiao.testing.v1.Echo")).status
            let serverStatus = try await health.check(.init()).status
            #expect(echoStatus == .notServing)
            #expect(serverStatus == .serving)
        }
    }

    @Test("ListServices lists every service and method, sorted by name")
    func listServices() async throws {
        try await withEchoServer { echo, _, _ in
            let health = HealthV1.Health.Client(echo.client)
            let services = try await health.listServices(.init()).services
            #expect(services.map(\.name) == ["fengqiao.health.v1.Health", "fengqiao.testing.v1.Echo"])
            let echoMethods = services.last?.methods ?? []
            #expect(echoMethods.map(\.name) == ["Echo", "Expand", "Sleep"])
            #expect(
                echoMethods[1]
                    == HealthV1.MethodInfo(
                        name: "Expand",
                        path: "/fengqiao.testing.v1.Echo/Expand",
                        requestType: "fengqiao.testing.v1.ExpandRequest",
                        responseType: "fengqiao.testing.v1.ExpandResponse",
                        serverStreaming: true
                    )
            )
        }
    }
}
