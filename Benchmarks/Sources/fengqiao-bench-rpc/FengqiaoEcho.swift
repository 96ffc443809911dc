import FengqiaoMessages
import FengqiaoRPC
import Logging

// The suite's own RPC: the Echo service of proto/fengqiao/testing/v1 on an RPCServer, called with
// the generated TestingV1.Echo.Client over RPCClient, both with their default configuration.

enum FengqiaoEcho {
    /// Echo's `Echo` method; the benchmark calls nothing else.
    struct Service: TestingV1.Echo.Handler {
        nonisolated(nonsending) func echo(_ request: TestingV1.EchoRequest, context: ServerContext) async throws -> TestingV1.EchoResponse {
            TestingV1.EchoResponse(text: request.text, fields: request.fields)
        }

        func expand(
            _ request: TestingV1.ExpandRequest,
            writer: ServerStreamWriter<TestingV1.ExpandResponse>,
            context: ServerContext
        ) async throws {
            throw RPCError(.unimplemented, "not part of the benchmark")
        }

        func sleep(_ request: TestingV1.SleepRequest, context: ServerContext) async throws -> TestingV1.SleepResponse {
            throw RPCError(.unimplemented, "not part of the benchmark")
        }
    }

    /// Serves Echo on 127.0.0.1:`port`, calling `listening` with the bound port, until cancelled.
    static func serve(port: Int, listening: @Sendable (Int) -> Void) async throws {
        let server = RPCServer(
            configuration: RPCServerConfiguration(host: "127.0.0.1", port: port),
            services: [Service()],
            logger: Logger(label: "fengqiao.bench-rpc", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            listening(try await server.listeningPort())
            try await group.waitForAll()
        }
    }

    /// Drives Echo calls: `concurrency` tasks calling in a loop, task `n` through client `n % connections`.
    static func load(port: Int, request: TestingV1.EchoRequest, shape: LoadShape, timing: Timing) async throws -> Measurement {
        let clients = (0..<shape.connections).map { _ in
            RPCClient(configuration: RPCClientConfiguration(addresses: [RPCAddress(host: "127.0.0.1", port: port)]))
        }
        defer { for client in clients { client.close() } }
        let echoes = clients.map { TestingV1.Echo.Client($0) }
        let expected = request.text.utf8.count
        return try await Load.measure(workers: shape.concurrency, timing: timing) { worker in
            let answer = try await echoes[worker % echoes.count].echo(request)
            guard answer.text.utf8.count == expected else { throw BenchError("echo answered \(answer.text.utf8.count) bytes of text") }
        }
    }
}
