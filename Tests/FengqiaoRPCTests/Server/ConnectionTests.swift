import FengqiaoMessages
import FengqiaoRPC
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Testing

/// Runs `body`, failing it with `deadlineExceeded` after `timeout`.
func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw RPCError(.deadlineExceeded, "test timed out")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}

/// Sends `bytes` to the server on a raw TCP connection and returns every envelope it answers
/// with until it closes the connection.
func rawExchange(port: Int, bytes: [UInt8]) async throws -> [RPCV1.Envelope] {
    var received = try await rawExchangeBytes(port: port, bytes: bytes)
    var decoder = EnvelopeFrameDecoder()
    var envelopes: [RPCV1.Envelope] = []
    while let envelope = try decoder.decodeEnvelope(from: &received) {
        envelopes.append(envelope.wholeEnvelope)
    }
    return envelopes
}

/// Sends `bytes` and returns every byte the server sent back before it closed the connection.
func rawExchangeBytes(port: Int, bytes: [UInt8]) async throws -> ByteBuffer {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await withTimeout(.seconds(10)) {
        try await channel.executeThenClose { inbound, outbound in
            // Nothing to send: write nothing, so a server that closes first cannot fail the write.
            if !bytes.isEmpty { try await outbound.write(ByteBuffer(bytes: bytes)) }
            var received = ByteBuffer()
            for try await chunk in inbound {
                var chunk = chunk
                received.writeBuffer(&chunk)
            }
            return received
        }
    }
}

@Suite("Connections over TCP")
struct ConnectionTests {
    @Test("an oversized length gets GO_AWAY (protocol error) and the connection closes")
    func oversizedFrame() async throws {
        try await withEchoServer(configure: { $0.maximumFrameLength = 1024 }) { _, server, _ in
            let port = try await server.listeningPort()
            let envelopes = try await rawExchange(port: port, bytes: [0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3])
            #expect(envelopes.count == 1)
            #expect(envelopes.first?.kind == .goAway)
            #expect(envelopes.first?.goAway?.reason == .protocolError)
            #expect(envelopes.first?.goAway?.message.contains("exceeds the limit of 1024") == true)
        }
    }

    @Test("PING is answered with PONG carrying the same id and data")
    func ping() async throws {
        try await withEchoServer { _, server, _ in
            let port = try await server.listeningPort()
            var buffer = ByteBuffer()
            try buffer.writeEnvelopeFrame(RPCV1.Envelope(kind: .ping, callID: 77, payload: [1, 2, 3]))
            try buffer.writeEnvelopeFrame(RPCV1.Envelope(kind: .unspecified))  // a protocol error ends it
            let envelopes = try await rawExchange(port: port, bytes: Array(buffer.readableBytesView))
            #expect(envelopes.first == RPCV1.Envelope(kind: .pong, callID: 77, payload: [1, 2, 3]))
            #expect(envelopes.last?.goAway?.reason == .protocolError)
        }
    }

    @Test("an idle connection is closed with GO_AWAY (idle timeout)")
    func idleTimeout() async throws {
        try await withEchoServer(configure: { $0.idleTimeout = .seconds(1) }) { _, server, _ in
            let port = try await server.listeningPort()
            let envelopes = try await rawExchange(port: port, bytes: [])
            #expect(envelopes.map(\.goAway?.reason) == [.idleTimeout])
        }
    }

    @Test("a connection running a call is not closed as idle")
    func busyIsNotIdle() async throws {
        // The call runs three times as long as the idle timeout; the timeout is long enough that a
        // loaded machine still sends the request before the connection would count as idle.
        try await withEchoServer(configure: { $0.idleTimeout = .milliseconds(500) }) { echo, _, _ in
            let answer = try await echo.sleep(.init(durationMs: 1500))
            #expect(answer.sleptMs >= 1_000)  // whole seconds slept, so 1.5 s reads 1,000
        }
    }

    @Test("the client fails a call at its deadline when no answer ever comes")
    func clientDeadline() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(silent.localAddress?.port)
        let client = RPCClient(configuration: .init(addresses: [.init(host: "127.0.0.1", port: port)]))
        let start = ContinuousClock.now
        await expectRPCError(.deadlineExceeded) {
            _ = try await TestingV1.Echo.Client(client).echo(.init(text: "x"), CallOptions(timeout: .milliseconds(200)))
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        client.close()
        try await silent.close()
    }

    @Test("on one connection, a call with an earlier deadline fails at it while a later one waits")
    func clientDeadlinesOutOfOrder() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(silent.localAddress?.port)
        let client = RPCClient(configuration: .init(addresses: [.init(host: "127.0.0.1", port: port)]))
        let echo = TestingV1.Echo.Client(client)
        let long = Task { try await echo.echo(.init(text: "long"), CallOptions(timeout: .seconds(20))) }
        // Let the long call go out first, so that the short one's deadline is the earlier one
        // to arrive (if it does not, the test still holds, only the order is the usual one).
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        await expectRPCError(.deadlineExceeded) {
            _ = try await echo.echo(.init(text: "short"), CallOptions(timeout: .milliseconds(200)))
        }
        #expect(ContinuousClock.now - start < .seconds(5))
        long.cancel()
        let error = await expectRPCError(.cancelled) { _ = try await long.value }
        #expect(error?.message == "call cancelled")
        client.close()
        try await silent.close()
    }

    @Test("graceful shutdown lets calls in flight finish, then run() returns")
    func gracefulShutdown() async throws {
        let probe = Probe()
        let server = RPCServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            services: [EchoHandler(probe: probe)],
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        do {
            async let running: Void = server.run()
            let port = try await server.listeningPort()
            let client = RPCClient(configuration: .init(addresses: [.init(host: "127.0.0.1", port: port)]))
            defer { client.close() }
            let echo = TestingV1.Echo.Client(client)
            let call = Task { try await echo.sleep(.init(durationMs: 300)) }
            try await eventually("call started") { probe.snapshot.started == 1 }
            server.beginGracefulShutdown()
            _ = try await call.value
            #expect(probe.snapshot.finished == 1)
            try await running
            await expectRPCError(.unavailable) { _ = try await echo.echo(.init(text: "late")) }
        }
    }

    @Test("the client reconnects after the server restarts")
    func reconnect() async throws {
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        func makeServer(port: Int) -> RPCServer {
            RPCServer(
                configuration: .init(host: "127.0.0.1", port: port),
                services: [EchoHandler(probe: Probe())],
                logger: logger
            )
        }
        let first = makeServer(port: 0)
        var port = 0
        let client: RPCClient
        do {
            async let running: Void = first.run()
            port = try await first.listeningPort()
            client = RPCClient(configuration: .init(addresses: [.init(host: "127.0.0.1", port: port)]))
            #expect(try await TestingV1.Echo.Client(client).echo(.init(text: "one")).text == "one")
            first.beginGracefulShutdown()
            try await running
        }
        defer { client.close() }
        // Bind the same port again. Another socket of the parallel test run may hold it for a
        // moment, so binding is retried, a bounded number of times.
        var second: RPCServer?
        var running: Task<Void, Error>?
        for _ in 0..<100 where second == nil {
            let candidate = makeServer(port: port)
            let task = Task { try await candidate.run() }
            if (try? await candidate.listeningPort()) != nil {
                second = candidate
                running = task
            } else {
                _ = try? await task.value
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let server = try #require(second, "port \(port) never became free again")
        let answer = try await TestingV1.Echo.Client(client).echo(.init(text: "two"), CallOptions(isIdempotent: true))
        #expect(answer.text == "two")
        server.beginGracefulShutdown()
        try await running?.value
    }

    @Test("calls go round-robin over several replicas")
    func roundRobin() async throws {
        try await withEchoServer { _, a, probeA in
            try await withEchoServer { _, b, probeB in
                let client = RPCClient(configuration: .init(addresses: [
                    .init(host: "127.0.0.1", port: try await a.listeningPort()),
                    .init(host: "127.0.0.1", port: try await b.listeningPort()),
                ]))
                defer { client.close() }
                for n in 0..<6 {
                    _ = try await TestingV1.Echo.Client(client).echo(.init(text: "\(n)"))
                }
                #expect(probeA.snapshot.requestIDs.count == 3)
                #expect(probeB.snapshot.requestIDs.count == 3)
            }
        }
    }
}

@Suite("Client resilience")
struct ClientResilienceTests {
    @Test("UNAVAILABLE is retried for idempotent calls only", arguments: [(true, 3), (false, 1)])
    func retries(idempotent: Bool, expectedAttempts: Int) async throws {
        try await withEchoServer(configureClient: { $0.initialBackoff = .milliseconds(1) }) { echo, _, probe in
            await expectRPCError(.unavailable) {
                _ = try await echo.echo(.init(text: "busy", failWith: .unavailable), CallOptions(isIdempotent: idempotent))
            }
            #expect(probe.snapshot.requestIDs.count == expectedAttempts)
        }
    }

    @Test("a call with an idempotency key is retried")
    func idempotencyKey() async throws {
        try await withEchoServer(configureClient: { $0.initialBackoff = .milliseconds(1) }) { echo, _, probe in
            await expectRPCError(.unavailable) {
                _ = try await echo.echo(
                    .init(text: "busy", failWith: .unavailable),
                    CallOptions(metadata: ["idempotency-key": "k-1"])
                )
            }
            #expect(probe.snapshot.requestIDs.count == 3)
        }
    }

    @Test("the client notices a dead peer by PING and fails its calls with UNAVAILABLE")
    func deadPeer() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let port = try #require(silent.localAddress?.port)
        var configuration = RPCClientConfiguration(addresses: [.init(host: "127.0.0.1", port: port)])
        configuration.keepaliveInterval = .milliseconds(100)
        configuration.keepaliveTimeout = .milliseconds(100)
        let client = RPCClient(configuration: configuration)
        let start = ContinuousClock.now
        let error = await expectRPCError(.unavailable) {
            _ = try await TestingV1.Echo.Client(client).echo(.init(text: "x"), CallOptions(timeout: .seconds(20)))
        }
        #expect(error?.message == "peer did not answer PING")
        #expect(ContinuousClock.now - start < .seconds(10))
        client.close()
        try await silent.close()
    }

    @Test("a client with an unreachable replica uses the other one")
    func skipsDeadReplica() async throws {
        try await withEchoServer { echo, server, _ in
            let live = try await server.listeningPort()
            // Port 1 of loopback: privileged, and nothing of the test run ever listens there.
            let dead = 1
            let client = RPCClient(configuration: .init(addresses: [
                .init(host: "127.0.0.1", port: dead), .init(host: "127.0.0.1", port: live),
            ]))
            defer { client.close() }
            for n in 0..<4 {
                let answer = try await TestingV1.Echo.Client(client).echo(.init(text: "\(n)"))
                #expect(answer.text == "\(n)")
            }
            _ = echo
        }
    }

    @Test("a client that reaches no replica says which addresses it tried")
    func unreachableMessage() async throws {
        let client = RPCClient(configuration: .init(addresses: [.init(host: "127.0.0.1", port: 1)]))
        defer { client.close() }
        let error = await expectRPCError(.unavailable) {
            _ = try await TestingV1.Echo.Client(client).echo(.init(text: "x"))
        }
        #expect(error?.message == "cannot connect to 127.0.0.1:1")
    }
}

@Suite("Service lifecycle")
struct LifecycleTests {
    @Test("a ServiceGroup's graceful shutdown drains the server")
    func serviceGroup() async throws {
        let probe = Probe()
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = RPCServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            services: [EchoHandler(probe: probe)],
            logger: logger
        )
        let group = ServiceGroup(services: [server], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningPort()
            let client = RPCClient(configuration: .init(addresses: [.init(host: "127.0.0.1", port: port)]))
            defer { client.close() }
            try await withThrowingTaskGroup(of: TestingV1.SleepResponse.self) { calls in
                calls.addTask { try await TestingV1.Echo.Client(client).sleep(.init(durationMs: 200)) }
                try await eventually("call started") { probe.snapshot.started == 1 }
                await group.triggerGracefulShutdown()
                let answer = try await calls.next()
                #expect(answer != nil)
            }
            try await tasks.waitForAll()
            #expect(probe.snapshot.finished == 1)
        }
    }
}
