import FengqiaoMessages
import FengqiaoProtobuf
import InMemoryLogging
import Logging
import MetricsTestKit
import FengqiaoRPC
import NIOConcurrencyHelpers
import Testing

/// Records what the server's interceptor saw.
final class Recorder: ServerInterceptor {
    let seen = NIOLockedValueBox<[(method: String, requestID: String)]>([])

    func intercept(request: ServerRequest, context: ServerContext, next: Next) async throws -> ServerResponse {
        seen.withLockedValue { $0.append((context.method, context.requestID)) }
        return try await next(request, context)
    }
}

/// Rejects calls without a credential and attaches the caller's identity.
struct Authenticate: ServerInterceptor {
    func intercept(request: ServerRequest, context: ServerContext, next: Next) async throws -> ServerResponse {
        guard let token = context.metadata["authorization"], token.hasPrefix("Bearer ") else {
            throw RPCError(.unauthenticated, "missing credential")
        }
        var context = context
        context.identity = String(token.dropFirst(7))
        return try await next(request, context)
    }
}

@Suite("Interceptors")
struct InterceptorTests {
    @Test("the server interceptor sees the method and the request id")
    func seesMethodAndRequestID() async throws {
        let recorder = Recorder()
        try await withEchoServer(serverInterceptors: [recorder]) { echo, _, _ in
            _ = try await echo.echo(.init(text: "a"), CallOptions(metadata: ["request-id": "abc-1"]))
            _ = try await echo.echo(.init(text: "b"))
            _ = try await echo.echo(.init(text: "c"))
        }
        let seen = recorder.seen.withLockedValue { $0 }
        #expect(seen.map(\.method) == Array(repeating: "/fengqiao.testing.v1.Echo/Echo", count: 3))
        #expect(seen.first?.requestID == "abc-1")
        // The server's own ids: its prefix (six base-36 characters), a hyphen, and its call count.
        let made = seen.dropFirst().map { $0.requestID.split(separator: "-", omittingEmptySubsequences: false) }
        #expect(made.count == 2)
        for parts in made {
            #expect(parts.count == 2)
            #expect(parts.first.map { $0.count == 6 && $0.allSatisfy { $0.isNumber || ("a"..."z").contains($0) } } == true)
        }
        #expect(made.first?.first == made.last?.first)
        let numbers = made.compactMap { $0.last.flatMap { Int($0) } }
        #expect(numbers.count == 2 && numbers[1] == numbers[0] + 1)
    }

    @Test("an interceptor can reject a call with a status")
    func rejects() async throws {
        try await withEchoServer(serverInterceptors: [Authenticate()]) { echo, _, _ in
            await expectRPCError(.unauthenticated) {
                _ = try await echo.echo(.init(text: "a"))
            }
            let answer = try await echo.echo(.init(text: "b"), CallOptions(metadata: ["authorization": "Bearer t"]))
            #expect(answer.text == "b")
        }
    }
}

@Suite("Logging and metrics interceptors")
struct ObservabilityTests {
    @Test("metrics count calls and errors by code, time them, and track calls in flight")
    func metrics() async throws {
        let metrics = TestMetrics()
        let interceptor = MetricsServerInterceptor(services: [EchoHandler(probe: Probe())], factory: metrics)
        try await withEchoServer(serverInterceptors: [interceptor]) { echo, _, _ in
            _ = try await echo.echo(.init(text: "a"))
            _ = try await echo.echo(.init(text: "b"))
            await expectRPCError(.notFound) { _ = try await echo.echo(.init(text: "c", failWith: .notFound)) }
            let missing = ProtobufMethod<TestingV1.EchoRequest, TestingV1.EchoResponse>(
                serviceName: "scanner.Probe", name: "X", isServerStreaming: false)
            await expectRPCError(.unimplemented) { _ = try await echo.client.unary(missing, .init()) }
        }
        let echo = [("service", "fengqiao.testing.v1.Echo"), ("method", "Echo")]
        #expect(metrics.counterTotal(label: "fengqiao_rpc_server_calls_total", dimensions: echo + [("code", "OK")]) == 2)
        #expect(metrics.counterTotal(label: "fengqiao_rpc_server_errors_total", dimensions: echo + [("code", "NOT_FOUND")]) == 1)
        #expect(
            metrics.counterTotal(
                label: "fengqiao_rpc_server_errors_total",
                dimensions: [("service", "unknown"), ("method", "unknown"), ("code", "UNIMPLEMENTED")]
            ) == 1
        )
        #expect(try metrics.expectTimer("fengqiao_rpc_server_duration_seconds", echo).values.count == 3)
        #expect(try metrics.expectMeter("fengqiao_rpc_server_in_flight", echo).lastValue == 0)
    }

    @Test("client metrics count calls by code")
    func clientMetrics() async throws {
        let metrics = TestMetrics()
        try await withEchoServer(clientInterceptors: [MetricsClientInterceptor(factory: metrics)]) { echo, _, _ in
            _ = try await echo.echo(.init(text: "a"))
            await expectRPCError(.aborted) { _ = try await echo.echo(.init(text: "c", failWith: .aborted)) }
        }
        let echo = [("service", "fengqiao.testing.v1.Echo"), ("method", "Echo")]
        #expect(metrics.counterTotal(label: "fengqiao_rpc_client_calls_total", dimensions: echo + [("code", "OK")]) == 1)
        #expect(metrics.counterTotal(label: "fengqiao_rpc_client_errors_total", dimensions: echo + [("code", "ABORTED")]) == 1)
        #expect(try metrics.expectMeter("fengqiao_rpc_client_in_flight", echo).lastValue == 0)
    }

    @Test("the logging interceptor logs with request.id and rpc.method metadata")
    func logging() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test", factory: { _ in handler })
        logger.logLevel = .debug
        try await withEchoServer(serverInterceptors: [LoggingServerInterceptor()], logger: logger) { echo, _, _ in
            _ = try await echo.echo(.init(text: "a"), CallOptions(metadata: ["request-id": "log-1"]))
        }
        let finished = handler.entries.first { $0.message == "call finished" }
        #expect(finished?.metadata["request.id"] == "log-1")
        #expect(finished?.metadata["rpc.method"] == "/fengqiao.testing.v1.Echo/Echo")
        #expect(finished?.metadata["rpc.code"] == "OK")
    }

    @Test("an unexpected handler error is logged with the request id, and the client sees no internals")
    func internalErrorLogged() async throws {
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "test", factory: { _ in handler })
        try await withEchoServer(logger: logger) { echo, _, _ in
            let error = await expectRPCError(.internal) {
                _ = try await echo.echo(.init(text: "internal"), CallOptions(metadata: ["request-id": "boom-1"]))
            }
            #expect(error?.description.contains("hunter2") == false)
        }
        let logged = handler.entries.first { $0.message == "handler failed" }
        #expect(logged?.level == .error)
        #expect(logged?.metadata["request.id"] == "boom-1")
        #expect(logged?.metadata["rpc.method"] == "/fengqiao.testing.v1.Echo/Echo")
        #expect(logged?.metadata["error.type"] == "InternalFailure")
    }
}
