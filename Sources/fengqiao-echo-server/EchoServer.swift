// A server offering only fengqiao.testing.v1.Echo, for protocol checks from other languages
// (scripts/check-protocol-python). Listens on 127.0.0.1, prints "port N" once listening, and
// shuts down gracefully on SIGTERM or SIGINT.
//
//   fengqiao-echo-server [PORT]      (default 0: any free port)
import FengqiaoMessages
import FengqiaoRPC
import Logging

/// Echo as the docs describe it: echoes, streams, sleeps, fails on request.
struct EchoService: TestingV1.Echo.Handler {
    func echo(_ request: TestingV1.EchoRequest, context: ServerContext) async throws -> TestingV1.EchoResponse {
        if request.failWith != .ok {
            throw RPCError(request.failWith, request.text)
        }
        return TestingV1.EchoResponse(text: request.text, fields: request.fields)
    }

    func expand(
        _ request: TestingV1.ExpandRequest,
        writer: ServerStreamWriter<TestingV1.ExpandResponse>,
        context: ServerContext
    ) async throws {
        for index in 0..<request.count {
            try await writer.write(TestingV1.ExpandResponse(index: index, text: request.text))
            if request.intervalMs > 0 {
                try await Task.sleep(for: .milliseconds(Int(request.intervalMs)))
            }
        }
    }

    func sleep(_ request: TestingV1.SleepRequest, context: ServerContext) async throws -> TestingV1.SleepResponse {
        try await Task.sleep(for: .milliseconds(Int(request.durationMs)))
        return TestingV1.SleepResponse(sleptMs: request.durationMs)
    }
}

@main
enum EchoServerMain {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 0
        let logger = Logger(label: "fengqiao.echo-server")
        let server = RPCServer(
            configuration: RPCServerConfiguration(host: "127.0.0.1", port: port),
            services: [EchoService()],
            interceptors: [LoggingServerInterceptor()],
            logger: logger
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.runUntilSignalled() }
            let bound = try await server.listeningPort()
            print("port \(bound)")
            fflush(nil)
            try await group.waitForAll()
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
