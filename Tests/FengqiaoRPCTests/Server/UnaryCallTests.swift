import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import Testing

/// Replaces every request's payload with bytes that do not decode.
struct GarblePayload: ClientInterceptor {
    func intercept(request: ClientRequest, next: Next) async throws -> [UInt8] {
        var request = request
        request.payload = [0x0A, 0x05, 0xFF, 0xFE, 0xFD]  // field 1 (text) with a length past the end
        return try await next(request)
    }
}

@Suite("Unary calls over TCP")
struct UnaryCallTests {
    @Test("echo answers with the request")
    func echo() async throws {
        try await withEchoServer { echo, _, _ in
            var fields = TestingV1.AllFields()
            fields.int64Values = [1, -2, 3]
            fields.labels = ["a": "b"]
            let answer = try await echo.echo(.init(text: "你好", fields: fields))
            #expect(answer == TestingV1.EchoResponse(text: "你好", fields: fields))
        }
    }

    @Test("an unknown method is UNIMPLEMENTED")
    func unknownMethod() async throws {
        try await withEchoServer { echo, _, _ in
            let method = ProtobufMethod<TestingV1.EchoRequest, TestingV1.EchoResponse>(
                serviceName: "fengqiao.testing.v1.Echo",
                name: "Missing",
                isServerStreaming: false
            )
            await expectRPCError(.unimplemented) {
                _ = try await echo.client.unary(method, .init(text: "x"))
            }
        }
    }

    @Test("a payload that does not decode is INVALID_ARGUMENT")
    func undecodablePayload() async throws {
        try await withEchoServer(clientInterceptors: [GarblePayload()]) { echo, _, _ in
            await expectRPCError(.invalidArgument) {
                _ = try await echo.echo(.init(text: "x"))
            }
        }
    }

    @Test("a handler's RPCError reaches the client with its code, message and field violations",
          arguments: [RPCError.Code.invalidArgument, .notFound, .failedPrecondition, .permissionDenied])
    func handlerError(code: RPCError.Code) async throws {
        try await withEchoServer { echo, _, _ in
            let error = await expectRPCError(code) {
                _ = try await echo.echo(.init(text: "nope", failWith: code))
            }
            #expect(error?.message == "nope")
            #expect(error?.fieldViolations == [RPCV1.FieldViolation(field: "text", description: "rejected on request")])
        }
    }

    @Test("an unexpected error is INTERNAL without internals, with the request id")
    func internalError() async throws {
        try await withEchoServer { echo, _, _ in
            let error = await expectRPCError(.internal) {
                _ = try await echo.echo(.init(text: "internal"), CallOptions(metadata: ["request-id": "req-42"]))
            }
            #expect(error?.message == "internal error")
            #expect(error?.metadata["request-id"] == "req-42")
        }
    }

    @Test("the server enforces the deadline: DEADLINE_EXCEEDED and the handler is cancelled")
    func serverDeadline() async throws {
        try await withEchoServer(
            configure: { $0.defaultTimeout = .milliseconds(150) },
            configureClient: { $0.defaultTimeout = nil }
        ) { echo, _, probe in
            await expectRPCError(.deadlineExceeded) {
                _ = try await echo.sleep(.init(durationMs: 10_000))
            }
            try await eventually("handler cancelled") { probe.snapshot.cancelled == 1 }
        }
    }

    @Test("a call with an earlier deadline than one already running still ends at its own")
    func serverDeadlinesOutOfOrder() async throws {
        try await withEchoServer(
            configure: { $0.defaultTimeout = .milliseconds(300) },
            configureClient: { $0.defaultTimeout = nil }
        ) { echo, _, probe in
            // The first call's deadline is 20 s; the second, sent without one, gets the server's
            // 300 ms. Only the server can end the second.
            let long = Task { try await echo.sleep(.init(durationMs: 10_000), CallOptions(timeout: .seconds(20))) }
            try await eventually("first call started") { probe.snapshot.started == 1 }
            await expectRPCError(.deadlineExceeded) {
                _ = try await echo.sleep(.init(durationMs: 10_000))
            }
            try await eventually("second handler cancelled") { probe.snapshot.cancelled == 1 }
            #expect(probe.snapshot.started == 2)
            #expect(probe.snapshot.finished == 0)
            long.cancel()
            _ = await long.result
            try await eventually("first handler cancelled") { probe.snapshot.cancelled == 2 }
        }
    }

    @Test("the client sends the time left, and the handler sees it as its deadline")
    func deadlinePassedOn() async throws {
        try await withEchoServer { echo, _, probe in
            let before = ContinuousClock.now
            _ = try await echo.echo(.init(text: "x"), CallOptions(timeout: .seconds(30)))
            let deadline = try #require(probe.snapshot.deadlines.first ?? nil)
            // The handler's deadline is the client's: at most 30 s after the call began, and not
            // much earlier (a loaded machine may take a few seconds to deliver the call).
            #expect(deadline > before + .seconds(20))
            #expect(deadline <= ContinuousClock.now + .seconds(30))
        }
    }

    @Test("cancelling the client's task cancels the handler")
    func cancellation() async throws {
        try await withEchoServer { echo, _, probe in
            let call = Task { try await echo.sleep(.init(durationMs: 10_000)) }
            try await eventually("handler started") { probe.snapshot.started == 1 }
            call.cancel()
            let result = await call.result
            #expect(throws: (any Error).self) { try result.get() }
            try await eventually("handler cancelled") { probe.snapshot.cancelled == 1 }
        }
    }

    @Test("1,000 concurrent calls on one connection finish out of order, each with its own answer")
    func manyConcurrentCalls() async throws {
        try await withEchoServer(
            configure: { $0.maximumConcurrentCallsPerConnection = 1000 },
            configureClient: { $0.maximumCallsInFlight = 1000 }
        ) { echo, _, _ in
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for n in 0..<1000 {
                    group.addTask {
                        let delay = (n * 7919) % 40
                        let answer = try await echo.echo(
                            .init(text: "call \(n)"),
                            CallOptions(timeout: .seconds(30), metadata: ["test-delay-ms": "\(delay)"])
                        )
                        return (n, answer.text)
                    }
                }
                var order: [Int] = []
                for try await (n, text) in group {
                    #expect(text == "call \(n)")
                    order.append(n)
                }
                #expect(order.count == 1000)
                #expect(order != order.sorted())
            }
        }
    }

    @Test("calls past the per-connection limit are RESOURCE_EXHAUSTED")
    func perConnectionLimit() async throws {
        try await withEchoServer(configure: { $0.maximumConcurrentCallsPerConnection = 2 }) { echo, _, probe in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<2 {
                    group.addTask { _ = try? await echo.sleep(.init(durationMs: 10_000)) }
                }
                try await eventually("two calls running") { probe.snapshot.started == 2 }
                await expectRPCError(.resourceExhausted) {
                    _ = try await echo.echo(.init(text: "third"))
                }
                group.cancelAll()
            }
        }
    }

    @Test("the client caps its calls in flight and queues the rest")
    func clientQueue() async throws {
        try await withEchoServer(configureClient: { $0.maximumCallsInFlight = 1 }) { echo, _, probe in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try? await echo.sleep(.init(durationMs: 10_000)) }
                try await eventually("first call running") { probe.snapshot.started == 1 }
                group.addTask { _ = try? await echo.sleep(.init(durationMs: 0)) }
                // The second call waits in the client's queue, so the server never sees it while
                // the first runs; a deadline on a third call shows the queue without sleeping.
                await expectRPCError(.deadlineExceeded) {
                    _ = try await echo.echo(.init(text: "queued"), CallOptions(timeout: .milliseconds(100)))
                }
                #expect(probe.snapshot.started == 1)
                group.cancelAll()
            }
        }
    }
}
