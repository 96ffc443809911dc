import FengqiaoRPC
import Foundation
import NIOCore
import NIOPosix
import Synchronization

// The ceiling: a bare length-prefixed TCP ping-pong on SwiftNIO. A frame is a 4-byte big-endian
// length and that many bytes; the server writes every frame back unchanged and flushes once per
// read, the client matches answers to requests in order. No protobuf, no envelope, no tasks on the
// server.

/// Splits the byte stream into whole frames, each passed on with its length prefix.
struct LengthPrefixedFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self),
            let frame = buffer.readSlice(length: 4 + Int(length))
        else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }
}

/// The server end: answers every frame it reads, one flush per read from the socket. The bare
/// ping-pong's answer is the frame itself; the codec mode's is ``CodecPingPong/answer(to:)``.
///
/// With `fromTasks`, each frame is answered from a task of its own, started at once on the
/// connection's event loop as the suite's server starts a call's task. For the bare ping-pong
/// that is `FENGQIAO_BENCH_PING_PONG_TASKS=1` in its environment: a diagnostic that prices the
/// task per call alone (`scripts/bench-rpc-cost --system ping-pong`), not one of the compared
/// systems.
final class PingPongServerHandler<Request: Sendable>: ChannelInboundHandler {
    typealias InboundIn = Request
    typealias OutboundOut = ByteBuffer

    private let fromTasks: Bool
    private let answer: @Sendable (Request) -> ByteBuffer
    private var executor: EventLoopTaskExecutor?

    init(fromTasks: Bool, answer: @escaping @Sendable (Request) -> ByteBuffer) {
        self.fromTasks = fromTasks
        self.answer = answer
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if fromTasks { executor = EventLoopTaskExecutor(context.eventLoop) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        guard let executor else {
            context.write(wrapOutboundOut(answer(request)), promise: nil)
            return
        }
        let channel = context.channel
        let answer = self.answer
        Task.immediate(executorPreference: executor) {
            channel.write(answer(request), promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

enum PingPongServer {
    static let echoesFromTasks = ProcessInfo.processInfo.environment["FENGQIAO_BENCH_PING_PONG_TASKS"] == "1"

    /// Listens on 127.0.0.1 and returns the bound channel.
    static func start(port: Int) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if CodecPingPong.isOn {
                        try sync.addHandler(EnvelopeFrameHandler())
                        try sync.addHandler(PingPongServerHandler(fromTasks: CodecPingPong.answersFromTasks, answer: CodecPingPong.answer(to:)))
                    } else {
                        try sync.addHandler(ByteToMessageHandler(LengthPrefixedFrameDecoder()))
                        try sync.addHandler(PingPongServerHandler<ByteBuffer>(fromTasks: echoesFromTasks) { $0 })
                    }
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
    }
}

/// The client end of one connection: requests go out in order, answers come back in order, as
/// the pipeline's decoder yields them (frames, or envelopes in codec mode).
final class PingPongClientHandler<Answer: Sendable>: ChannelInboundHandler {
    typealias InboundIn = Answer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?
    private var waiting = CircularBuffer<EventLoopPromise<Answer>>()

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func send(_ frame: ByteBuffer, promise: EventLoopPromise<Answer>) {
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

/// One ping-pong connection, shared by the tasks that call through it.
final class PingPongConnection<Answer: Sendable>: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<PingPongClientHandler<Answer>>
    private let nextCallID = Atomic<UInt64>(0)

    private init(channel: any Channel, handler: NIOLoopBound<PingPongClientHandler<Answer>>) {
        self.channel = channel
        self.handler = handler
    }

    /// Connects to the ping-pong server on 127.0.0.1:`port`, answers split by `makeFramer()`'s
    /// handler, which passes on `Answer`s.
    static func connect(
        port: Int,
        makeFramer: @escaping @Sendable () -> any ChannelHandler
    ) async throws -> PingPongConnection {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(makeFramer())
                    try channel.pipeline.syncOperations.addHandler(PingPongClientHandler<Answer>())
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: PingPongClientHandler<Answer>.self)
                return PingPongConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
            }
            .get()
    }

    /// A new call id, unique on the connection (codec mode).
    func makeCallID() -> UInt64 {
        nextCallID.add(1, ordering: .relaxed).newValue
    }

    /// Sends `frame` (length prefix included) and returns the answer.
    func call(_ frame: ByteBuffer) async throws -> Answer {
        let promise = channel.eventLoop.makePromise(of: Answer.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.send(frame, promise: promise) }
        return try await promise.futureResult.get()
    }

    func close() async {
        try? await channel.close()
    }

    /// Drives `call` through `shape.connections` connections split by `makeFramer()`'s handlers:
    /// `concurrency` tasks calling in a loop, task `n` through connection `n % connections`.
    static func load(
        port: Int,
        makeFramer: @escaping @Sendable () -> any ChannelHandler,
        shape: LoadShape,
        timing: Timing,
        call: @escaping @Sendable (PingPongConnection) async throws -> Void
    ) async throws -> Measurement {
        var connections: [PingPongConnection] = []
        for _ in 0..<shape.connections {
            connections.append(try await connect(port: port, makeFramer: makeFramer))
        }
        let open = connections
        do {
            let measurement = try await Load.measure(workers: shape.concurrency, timing: timing) { worker in
                try await call(open[worker % open.count])
            }
            for connection in connections { await connection.close() }
            return measurement
        } catch {
            for connection in connections { await connection.close() }
            throw error
        }
    }
}

extension PingPongConnection where Answer == ByteBuffer {
    /// Drives ping-pongs of `payloadSize` bytes.
    static func load(port: Int, payloadSize: Int, shape: LoadShape, timing: Timing) async throws -> Measurement {
        var frame = ByteBuffer()
        frame.writeInteger(UInt32(payloadSize), endianness: .big)
        frame.writeRepeatingByte(0x61, count: payloadSize)
        let request = frame
        return try await load(port: port, makeFramer: { ByteToMessageHandler(LengthPrefixedFrameDecoder()) }, shape: shape, timing: timing) { connection in
            let answer = try await connection.call(request)
            guard answer.readableBytes == request.readableBytes else {
                throw BenchError("ping-pong answered \(answer.readableBytes) bytes")
            }
        }
    }
}
