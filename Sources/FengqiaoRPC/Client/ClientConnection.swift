import FengqiaoProtobuf
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One TCP connection from a client to a server replica, shared by many calls.
final class ClientConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBound<ClientChannelHandler>
    private let nextCallID = Atomic<UInt64>(0)
    /// Whether the connection went away or closed; set by the handler on the event loop.
    private let draining: DrainingFlag

    private init(channel: any Channel, handler: NIOLoopBound<ClientChannelHandler>, draining: DrainingFlag) {
        self.channel = channel
        self.handler = handler
        self.draining = draining
    }

    /// Connects to `address`, and with `tls` completes the TLS handshake before returning.
    ///
    /// - Throws: the connection error, such as connection refused or a timeout, or a
    ///   ``TLSFailure`` saying why the handshake failed.
    static func connect(
        to address: RPCAddress,
        configuration: RPCClientConfiguration,
        tls: NIOSSLContext?,
        group: any EventLoopGroup
    ) async throws -> ClientConnection {
        let draining = DrainingFlag()
        let hostname = configuration.tls?.hostname(for: address)
        if tls != nil, let hostname, (try? SocketAddress(ipAddress: hostname, port: 0)) != nil {
            throw TLSFailure(
                reason: "the TLS server name \(hostname) is an IP address; give a DNS name, or none to check the address connected to")
        }
        return try await ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ClientChannelHandler(
                        highWaterMark: configuration.streamBufferHighWaterMark,
                        keepaliveTimeout: configuration.keepaliveTimeout,
                        draining: draining
                    )
                    let sync = channel.pipeline.syncOperations
                    if let tls {
                        let side = TLSHandshakeHandler.Side.client(
                            address: address, serverName: hostname, timeout: TimeAmount(configuration.connectTimeout))
                        try sync.addHandler(NIOSSLClientHandler(context: tls, serverHostname: hostname))
                        try sync.addHandler(TLSHandshakeHandler(side: side))
                    }
                    try sync.addRPCHandlers(
                        maximumFrameLength: configuration.maximumFrameLength,
                        idleTimeout: configuration.keepaliveInterval
                    )
                    try sync.addHandler(handler)
                }
            }
            .connect(host: address.host, port: address.port)
            .flatMap { channel in
                do {
                    let sync = channel.pipeline.syncOperations
                    let handler = try sync.handler(type: ClientChannelHandler.self)
                    let connection = ClientConnection(
                        channel: channel,
                        handler: NIOLoopBound(handler, eventLoop: channel.eventLoop),
                        draining: draining
                    )
                    guard tls != nil, let handshake = try sync.handler(type: TLSHandshakeHandler.self).handshakeDone else {
                        return channel.eventLoop.makeSucceededFuture(connection)
                    }
                    return handshake.map { connection }.flatMapErrorThrowing { error in
                        channel.close(promise: nil)
                        throw error
                    }
                } catch {
                    channel.close(promise: nil)
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .get()
    }

    /// Whether new calls may start here: open and not going away. Asked before every call, so it
    /// reads flags instead of visiting the event loop.
    var isUsable: Bool {
        channel.isActive && !draining.isSet
    }

    /// Starts a call; its answers (stream messages, then the final RESPONSE or END_OF_STREAM)
    /// arrive on the returned stream, which throws ``RPCError`` on failure.
    ///
    /// - Throws: ``RPCError`` (`invalidArgument`) when the request cannot be encoded.
    func start(
        _ request: RPCV1.Envelope,
        payload: FramePayload,
        deadline: ContinuousClock.Instant?
    ) throws(RPCError) -> ClientCallHandle {
        let envelope = numbered(request, deadline: deadline)
        let callID = envelope.callID
        let frame = try Self.frame(envelope, payload: payload)
        let (stream, continuation) = AsyncThrowingStream<InboundEnvelope, any Error>.makeStream()
        let nioDeadline = deadline.map { NIODeadline.now() + TimeAmount($0 - ContinuousClock.now) }
        let handler = self.handler
        let eventLoop = channel.eventLoop
        continuation.onTermination = { _ in
            eventLoop.execute { handler.value.abandon(callID) }
        }
        eventLoop.execute {
            handler.value.start(callID, frame: frame, deadline: nioDeadline, receiver: .stream(continuation))
        }
        return ClientCallHandle(callID: callID, answers: stream, connection: self)
    }

    /// Makes a call whose only answer is its final RESPONSE, and returns that envelope.
    ///
    /// One continuation instead of a stream: nothing is left to tidy up on the event loop once the
    /// answer is in. Cancelling the task fails the call with `cancelled` and sends CANCEL.
    nonisolated(nonsending) func unary(
        _ request: RPCV1.Envelope,
        payload: FramePayload,
        deadline: ContinuousClock.Instant?
    ) async throws -> InboundEnvelope {
        let envelope = numbered(request, deadline: deadline)
        let callID = envelope.callID
        let frame = try Self.frame(envelope, payload: payload)
        let nioDeadline = deadline.map { NIODeadline.now() + TimeAmount($0 - ContinuousClock.now) }
        let handler = self.handler
        let eventLoop = channel.eventLoop
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: ClientChannelHandler.UnaryContinuation) in
                // The task stays suspended here until the continuation resumes, so the event loop
                // may read its cancellation flag: a cancellation that came before the call was
                // registered is seen there, and one after it finds the call registered.
                let task = CancellationProbe()
                eventLoop.execute {
                    if task.isCancelled {
                        continuation.resume(throwing: RPCError(.cancelled, "call cancelled"))
                    } else {
                        handler.value.start(callID, frame: frame, deadline: nioDeadline, receiver: .unary(continuation))
                    }
                }
            }
        } onCancel: {
            eventLoop.execute { handler.value.cancel(callID) }
        }
    }

    /// The request's frame, encoded on the caller's thread rather than on the event loop.
    ///
    /// - Throws: ``RPCError`` (`invalidArgument`) when a string of the envelope or the request
    ///   holds U+0000, naming the envelope's field or the request's.
    private static func frame(_ envelope: RPCV1.Envelope, payload: FramePayload) throws(RPCError) -> ByteBuffer {
        do {
            return try envelope.frame(payload: payload)
        } catch let error as ProtobufEncodingError {
            if let field = envelope.fieldWithNUL {
                throw RPCError(.invalidArgument, "call not sent: its \(field) contains U+0000")
            }
            throw RPCError.unsendableRequest(error)
        } catch {
            throw RPCError(.internal, "request could not be encoded")
        }
    }

    /// `request` with the connection's next call id and the time left before `deadline`.
    private func numbered(_ request: RPCV1.Envelope, deadline: ContinuousClock.Instant?) -> RPCV1.Envelope {
        let callID = nextCallID.add(1, ordering: .relaxed).newValue
        var envelope = request
        envelope.callID = callID
        if let deadline {
            let left = deadline - ContinuousClock.now
            let ms = max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            envelope.timeoutMs = UInt32(clamping: ms)
        }
        return envelope
    }

    func cancel(_ callID: UInt64) {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.cancel(callID) }
    }

    func consumed(_ callID: UInt64) {
        let handler = self.handler
        channel.eventLoop.execute { handler.value.consumed(callID) }
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Set once a connection takes no new calls: by its handler, on the event loop; read by callers
/// choosing a connection, on any thread.
final class DrainingFlag: Sendable {
    private let value = Atomic<Bool>(false)

    func set() {
        value.store(true, ordering: .releasing)
    }

    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// A call started on a connection: its id and the stream of its answers.
struct ClientCallHandle: Sendable {
    let callID: UInt64
    let answers: AsyncThrowingStream<InboundEnvelope, any Error>
    let connection: ClientConnection
}

/// The cancellation flag of the task that made it, readable from another thread while that task
/// is suspended waiting for the result it is needed for.
private struct CancellationProbe: @unchecked Sendable {
    private let task: UnsafeCurrentTask?

    init() {
        task = withUnsafeCurrentTask { $0 }
    }

    var isCancelled: Bool { task?.isCancelled ?? false }
}
