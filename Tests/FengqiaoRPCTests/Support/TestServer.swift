import FengqiaoMessages
import FengqiaoRPC
import Logging
import Testing

/// Waits until `condition` holds, checking every few milliseconds, failing after `timeout`.
func eventually(
    within timeout: Duration = .seconds(10),
    _ what: String = "condition",
    _ condition: () -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting for \(what)")
            throw RPCError(.deadlineExceeded, "test wait for \(what)")
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// Runs `body` with an Echo server on 127.0.0.1 and a client of it; stops both afterwards.
func withEchoServer(
    configure: (inout RPCServerConfiguration) -> Void = { _ in },
    configureClient: (inout RPCClientConfiguration) -> Void = { _ in },
    serverInterceptors: [any ServerInterceptor] = [],
    clientInterceptors: [any ClientInterceptor] = [],
    logger: Logger = Logger(label: "fengqiao.rpc.test", factory: { _ in SwiftLogNoOpLogHandler() }),
    _ body: @Sendable (TestingV1.Echo.Client, RPCServer, Probe) async throws -> Void
) async throws {
    var configuration = RPCServerConfiguration(host: "127.0.0.1", port: 0)
    configure(&configuration)
    let probe = Probe()
    let server = RPCServer(
        configuration: configuration,
        services: [EchoHandler(probe: probe)],
        interceptors: serverInterceptors,
        logger: logger
    )
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let port = try await server.listeningPort()
        var clientConfiguration = RPCClientConfiguration(addresses: [RPCAddress(host: "127.0.0.1", port: port)])
        configureClient(&clientConfiguration)
        let client = RPCClient(configuration: clientConfiguration, interceptors: clientInterceptors)
        defer { client.close() }
        do {
            try await body(TestingV1.Echo.Client(client), server, probe)
        } catch {
            group.cancelAll()
            throw error
        }
        group.cancelAll()
    }
}

/// Expects `body` to throw an ``RPCError`` with `code`, and returns it.
@discardableResult
func expectRPCError(
    _ code: RPCError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async -> RPCError? {
    do {
        try await body()
        Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected RPCError \(code), got \(type(of: error))", sourceLocation: sourceLocation)
        return nil
    }
}
