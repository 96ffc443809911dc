import NIOConcurrencyHelpers
import NIOCore

/// The client end of a connection, on its event loop: matches answers to calls by id, enforces
/// deadlines, sends CANCEL, answers PING, notices GO_AWAY and dead peers, and pauses reading
/// while too many streamed messages wait unread.
final class ClientChannelHandler: ChannelDuplexHandler, NIOScheduledCallbackHandler {
    typealias InboundIn = InboundEnvelope
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    typealias Continuation = AsyncThrowingStream<InboundEnvelope, any Error>.Continuation
    typealias UnaryContinuation = UnsafeContinuation<InboundEnvelope, any Error>

    /// Where a call's answers go: a stream (server streaming), or the one final answer (unary).
    enum Receiver {
        case stream(Continuation)
        case unary(UnaryContinuation)

        /// Hands over the final RESPONSE or END_OF_STREAM.
        func finish(with envelope: InboundEnvelope) {
            switch self {
            case .stream(let continuation):
                continuation.yield(envelope)
                continuation.finish()
            case .unary(let continuation):
                continuation.resume(returning: envelope)
            }
        }

        func fail(_ error: RPCError) {
            switch self {
            case .stream(let continuation): continuation.finish(throwing: error)
            case .unary(let continuation): continuation.resume(throwing: error)
            }
        }
    }

    private struct Call {
        var receiver: Receiver
        var deadline: NIODeadline?
    }

    /// Marks an error for a call the server never took, which is safe to retry on any call.
    static let notTakenKey = "fengqiao-call-not-taken"

    private let highWaterMark: Int
    private let keepaliveTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var calls: [UInt64: Call] = [:]
    private var buffered: [UInt64: Int] = [:]
    private var totalBuffered = 0
    private var readPaused = false
    private var readPending = false
    private var pingTimeout: Scheduled<Void>?
    /// One timer for the connection's deadlines, set no later than the earliest of its calls'.
    private var deadlineTimer: (at: NIODeadline, callback: NIOScheduledCallback)?
    /// Set once the connection takes no new calls, for callers off the event loop.
    private let draining: DrainingFlag
    private(set) var goAwayLastCallID: UInt64? {
        didSet { draining.set() }
    }
    private var closedError: RPCError? {
        didSet { draining.set() }
    }

    init(highWaterMark: Int, keepaliveTimeout: Duration, draining: DrainingFlag) {
        self.highWaterMark = max(1, highWaterMark)
        self.keepaliveTimeout = TimeAmount(keepaliveTimeout)
        self.draining = draining
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    // MARK: Calls

    /// Registers call `callID` and sends its REQUEST, `frame` (encoded by the caller).
    func start(_ callID: UInt64, frame: ByteBuffer, deadline: NIODeadline?, receiver: Receiver) {
        guard let context else {
            receiver.fail(RPCError(.unavailable, "connection is not open"))
            return
        }
        if let closedError {
            receiver.fail(closedError)
            return
        }
        if goAwayLastCallID != nil {
            receiver.fail(RPCError(.unavailable, "connection is going away"))
            return
        }
        calls[callID] = Call(receiver: receiver, deadline: deadline)
        if let deadline { watchDeadline(deadline, eventLoop: context.eventLoop) }
        if case .stream = receiver { buffered[callID] = 0 }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    func cancel(_ callID: UInt64) {
        guard let call = calls.removeValue(forKey: callID) else { return }
        sendCancel(callID)
        call.receiver.fail(RPCError(.cancelled, "call cancelled"))
    }

    /// The consumer stopped reading the call's answers (finished or dropped the stream).
    func abandon(_ callID: UInt64) {
        if calls.removeValue(forKey: callID) != nil {
            sendCancel(callID)
        }
        if let count = buffered.removeValue(forKey: callID) {
            totalBuffered -= count
            resumeReadingIfBelowMark()
        }
    }

    /// The consumer read one streamed message of the call.
    func consumed(_ callID: UInt64) {
        guard let count = buffered[callID], count > 0 else { return }
        buffered[callID] = count - 1
        totalBuffered -= 1
        resumeReadingIfBelowMark()
    }

    /// Makes sure the timer goes off by `deadline`.
    ///
    /// Calls mostly share one timeout, so a new call's deadline is rarely the earliest and the
    /// timer stays as it is: no timer per call to set and cancel.
    private func watchDeadline(_ deadline: NIODeadline, eventLoop: any EventLoop) {
        if let timer = deadlineTimer {
            guard deadline < timer.at else { return }
            timer.callback.cancel()
        }
        deadlineTimer = (try? eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: self)).map { (deadline, $0) }
    }

    /// The timer went off: fails the calls whose deadline has passed, with CANCEL to the server,
    /// and sets the timer for the earliest deadline left.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        deadlineTimer = nil
        let now = NIODeadline.now()
        var next: NIODeadline?
        for (callID, call) in calls {
            guard let deadline = call.deadline else { continue }
            if deadline <= now {
                calls[callID] = nil
                sendCancel(callID)
                call.receiver.fail(RPCError(.deadlineExceeded, "deadline exceeded"))
            } else if next.map({ deadline < $0 }) ?? true {
                next = deadline
            }
        }
        if let next { watchDeadline(next, eventLoop: eventLoop) }
    }

    private func sendCancel(_ callID: UInt64) {
        var cancel = RPCV1.Envelope()
        cancel.kind = .cancel
        cancel.callID = callID
        context?.writeEnvelope(cancel)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        switch envelope.envelope.kind {
        case .response, .endOfStream:
            guard let call = calls.removeValue(forKey: envelope.envelope.callID) else { return }
            call.receiver.finish(with: envelope)
        case .streamMessage:
            // A unary call's answer is its RESPONSE; a stream message for it is ignored.
            guard let call = calls[envelope.envelope.callID], case .stream(let continuation) = call.receiver else { return }
            buffered[envelope.envelope.callID, default: 0] += 1
            totalBuffered += 1
            if totalBuffered >= highWaterMark { readPaused = true }
            // Buffered until the consumer reads it: with a payload of its own, so that up to the
            // high-water mark of small messages does not hold as many read buffers.
            continuation.yield(envelope.detached())
        case .ping:
            var pong = RPCV1.Envelope()
            pong.kind = .pong
            pong.callID = envelope.envelope.callID
            pong.payload = Array(envelope.payload.readableBytesView.prefix(8))
            context.writeEnvelope(pong)
        case .pong:
            pingTimeout?.cancel()
            pingTimeout = nil
        case .goAway:
            let last = envelope.envelope.goAway?.lastCallID ?? 0
            goAwayLastCallID = last
            let refused = calls.keys.filter { $0 > last }
            for callID in refused {
                fail(callID, RPCError(.unavailable, "server is going away; call not taken", metadata: [Self.notTakenKey: "1"]))
            }
            if calls.isEmpty { context.close(promise: nil) }
        default:
            protocolError(context: context, "unexpected envelope kind \(envelope.envelope.kind.rawValue)")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let failure = error as? TLSFailure {
            // The TLS session is broken: nothing more can be sent, not even GO_AWAY.
            guard closedError == nil else { return }
            closedError = RPCError(.unavailable, failure.reason)
            context.close(promise: nil)
            return
        }
        let message = (error as? FrameError)?.description ?? "connection error"
        protocolError(context: context, message)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let error = closedError ?? RPCError(.unavailable, "connection closed")
        closedError = error
        pingTimeout?.cancel()
        deadlineTimer?.callback.cancel()
        deadlineTimer = nil
        for callID in Array(calls.keys) { fail(callID, error) }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // While reading is paused for a slow consumer, a PONG could not be read either.
        guard !calls.isEmpty, pingTimeout == nil, !readPaused else { return }
        var ping = RPCV1.Envelope()
        ping.kind = .ping
        ping.callID = 1
        context.writeEnvelope(ping)
        pingTimeout = context.eventLoop.assumeIsolated().scheduleTask(in: keepaliveTimeout) {
            self.closedError = RPCError(.unavailable, "peer did not answer PING")
            self.context?.close(promise: nil)
        }
    }

    private func fail(_ callID: UInt64, _ error: RPCError) {
        guard let call = calls.removeValue(forKey: callID) else { return }
        call.receiver.fail(error)
    }

    private func protocolError(context: ChannelHandlerContext, _ message: String) {
        guard closedError == nil else { return }
        closedError = RPCError(.unavailable, "protocol error: \(message)")
        var goAway = RPCV1.Envelope()
        goAway.kind = .goAway
        goAway.goAway = RPCV1.GoAway(reason: .protocolError, lastCallID: 0, message: message)
        let channel = context.channel
        context.writeEnvelope(goAway).whenComplete { _ in channel.close(promise: nil) }
    }

    // MARK: Back-pressure

    func read(context: ChannelHandlerContext) {
        if readPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    private func resumeReadingIfBelowMark() {
        guard readPaused, totalBuffered < max(1, highWaterMark / 2) else { return }
        readPaused = false
        if readPending {
            readPending = false
            context?.read()
        }
    }
}
