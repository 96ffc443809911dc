import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import Foundation
import NIOCore
import NIOPosix
import Synchronization

// A diagnostic, not one of the compared systems: the ping-pong doing the work the wire's contract
// asks of every call and nothing else. With `FENGQIAO_BENCH_PING_PONG_CODEC=1` in its environment
// (the server process inherits it), the ping-pong's frames are envelopes and its payloads
// EchoRequest and EchoResponse messages, encoded and decoded by the suite's own frame codec and
// generated messages through libprotobuf-c on both sides, and the server answers each call from a
// task of its own (`Task.immediate` on the connection's event loop, as the suite's server does;
// `FENGQIAO_BENCH_PING_PONG_TASKS=0` answers in the read instead, to price the codec alone).
// What it leaves out is the runtime's bookkeeping: call table, deadlines, cancellation, request
// ids, in-flight permits, connection choice, routing. Its rate against the bare ping-pong is the
// most the suite could reach with that contract (`scripts/bench-rpc-cost --system ping-pong`).

enum CodecPingPong {
    static let isOn = ProcessInfo.processInfo.environment["FENGQIAO_BENCH_PING_PONG_CODEC"] == "1"

    static let answersFromTasks = ProcessInfo.processInfo.environment["FENGQIAO_BENCH_PING_PONG_TASKS"] != "0"

    static let method = TestingV1.Echo.echo.path

    /// The answer's frame: the request's text and fields echoed, as the benchmark's Echo service does.
    static func answer(to received: InboundEnvelope) -> ByteBuffer {
        var answer = RPCV1.Envelope()
        answer.kind = .response
        answer.callID = received.envelope.callID
        var frame = ByteBuffer()
        do {
            let request = try received.payload.withUnsafeReadableBytes { try TestingV1.EchoRequest(serializedBytes: $0) }
            try frame.writeEnvelopeFrame(answer, payload: TestingV1.EchoResponse(text: request.text, fields: request.fields))
        } catch {
            answer.status = RPCV1.Status(code: .invalidArgument, message: "request does not decode")
            frame.clear()
            _ = try? frame.writeEnvelopeFrame(answer)
        }
        return frame
    }
}

/// The server end in codec mode: decodes each envelope and its request, answers from a task.
final class CodecPingPongServerHandler: ChannelInboundHandler {
    typealias InboundIn = InboundEnvelope
    typealias OutboundOut = ByteBuffer

    private var executor: EventLoopTaskExecutor?

    func handlerAdded(context: ChannelHandlerContext) {
        if CodecPingPong.answersFromTasks { executor = EventLoopTaskExecutor(context.eventLoop) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let received = unwrapInboundIn(data)
        guard let executor else {
            context.write(wrapOutboundOut(CodecPingPong.answer(to: received)), promise: nil)
            return
        }
        let channel = context.channel
        Task.immediate(executorPreference: executor) {
            channel.write(CodecPingPong.answer(to: received), promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

/// The client end in codec mode: answers' envelopes come back in order.
final class CodecPingPongClientHandler: ChannelInboundHandler {
    typealias InboundIn = InboundEnvelope
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?
    private var waiting = CircularBuffer<EventLoopPromise<InboundEnvelope>>()

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func send(_ frame: ByteBuffer, promise: EventLoopPromise<InboundEnvelope>) {
        guard let context else {
            promise.fail(ChannelError.ioOnClosedChannel)
            return
        }
        waiting.append(promise)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        waiting.popFirst()?.succeed(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        while let promise = waiting.popFirst() {
            promise.fail(ChannelError.ioOnClosedChannel)
        }
        self.context = nil
        context.fireChannelInactive()
    }
}

/// One codec-mode connection, shared by the tasks that call through it.
final class CodecPingPongConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<CodecPingPongClientHandler>
    private let nextCallID = Atomic<UInt64>(0)

    private init(channel: any Channel, handler: NIOLoopBound<CodecPingPongClientHandler>) {
        self.channel = channel
        self.handler = handler
    }

    static func connect(port: Int) async throws -> CodecPingPongConnection {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(EnvelopeFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(CodecPingPongClientHandler())
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: CodecPingPongClientHandler.self)
                return CodecPingPongConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
            }
            .get()
    }

    /// Sends `request` in a request envelope and returns the answer's message.
    func echo(_ request: TestingV1.EchoRequest) async throws -> TestingV1.EchoResponse {
        var envelope = RPCV1.Envelope()
        envelope.kind = .request
        envelope.callID = nextCallID.add(1, ordering: .relaxed).newValue
        envelope.method = CodecPingPong.method
        envelope.timeoutMs = 30_000
        var frame = ByteBuffer()
        try frame.writeEnvelopeFrame(envelope, payload: request)
        let promise = channel.eventLoop.makePromise(of: InboundEnvelope.self)
        let handler = self.handler
        let request = frame
        channel.eventLoop.execute { handler.value.send(request, promise: promise) }
        let answer = try await promise.futureResult.get()
        if let status = answer.envelope.status, status.code != .ok {
            throw BenchError("codec ping-pong answered \(status.code): \(status.message)")
        }
        return try answer.payload.withUnsafeReadableBytes { try TestingV1.EchoResponse(serializedBytes: $0) }
    }

    func close() async {
        try? await channel.close()
    }

    /// Drives codec ping-pongs of `request`: `concurrency` tasks calling in a loop, task `n`
    /// through connection `n % connections`.
    static func load(port: Int, request: TestingV1.EchoRequest, shape: LoadShape, timing: Timing) async throws -> Measurement {
        var connections: [CodecPingPongConnection] = []
        for _ in 0..<shape.connections {
            connections.append(try await CodecPingPongConnection.connect(port: port))
        }
        let open = connections
        let expected = request.text.utf8.count
        do {
            let measurement = try await Load.measure(workers: shape.concurrency, timing: timing) { worker in
                let answer = try await open[worker % open.count].echo(request)
                guard answer.text.utf8.count == expected else {
                    throw BenchError("codec ping-pong answered \(answer.text.utf8.count) bytes of text")
                }
            }
            for connection in connections { await connection.close() }
            return measurement
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
    }
}
