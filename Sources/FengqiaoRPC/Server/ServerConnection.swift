import Logging
import NIOCore
import Synchronization

/// One client connection on the server: takes envelopes from its channel handler, runs calls
/// concurrently, answers them.
final class ServerConnection: Sendable, NIOScheduledCallbackHandler {
    private struct State {
        var calls: [UInt64: CallEnd] = [:]
        var draining = false
        var lastCallID: UInt64 = 0
        var closed = false
        /// ``serve()``, waiting for the channel to close and the last call to finish.
        var finished: CheckedContinuation<Void, Never>?
        /// One timer for the calls' deadlines, set no later than the earliest of them.
        var deadlineTimer: (at: NIODeadline, callback: NIOScheduledCallback)?
    }

    let channel: any Channel
    let shared: ServerShared
    /// The client's address, read once.
    private let peer: SocketAddress?
    private let activity: CallActivity
    /// Where calls' tasks run: the connection's event loop, or `nil` for the global executor.
    private let executor: EventLoopTaskExecutor?
    private let state = Mutex(State())

    init(channel: any Channel, shared: ServerShared, activity: CallActivity) {
        self.channel = channel
        self.shared = shared
        self.peer = channel.remoteAddress
        self.activity = activity
        self.executor = shared.configuration.runsHandlersOnEventLoop ? EventLoopTaskExecutor(channel.eventLoop) : nil
    }

    /// Returns once the connection has closed (the peer closed it, a protocol error, or the drain
    /// ended) and every call on it has finished.
    func serve() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                if state.closed && state.calls.isEmpty { return true }
                state.finished = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Takes one envelope read from the connection; called on its event loop.
    ///
    /// Each call is a task of its own (not a child task), so that a CANCEL or the deadline can
    /// cancel it; when the connection ends, its calls are interrupted.
    func received(_ received: InboundEnvelope) {
        switch received.envelope.kind {
        case .request:
            let method = shared.method(at: received.envelope.method)
            guard let end = accept(received, isServerStreaming: method?.isServerStreaming ?? false) else { return }
            if let deadline = end.deadline { watchDeadline(deadline) }
            activity.add(1)
            let call = shared.prepare(received, method: method)
            let operation: @Sendable () async -> Void = {
                // The answer is written before the close, and a close flushes (see FlushCoalescer).
                await ServerCall(call: call, connection: self, end: end).run()
                self.ended(end)
                self.activity.add(-1)
            }
            if let executor {
                // Starts here, in this read, and goes on on the event loop after any suspension:
                // a handler that does not suspend answers without being queued at all.
                end.start(Task.immediate(executorPreference: executor, operation: operation))
            } else {
                end.start(Task(operation: operation))
            }
        case .cancel:
            let end = state.withLock { $0.calls[received.envelope.callID] }
            end?.interrupt(.cancelled)
        case .ping:
            var pong = RPCV1.Envelope()
            pong.kind = .pong
            pong.callID = received.envelope.callID
            pong.payload = Array(received.payload.readableBytesView.prefix(8))
            channel.writeEnvelope(pong, promise: nil)
        case .pong:
            break
        case .goAway:
            drain(reason: .shuttingDown, message: "client is going away")
        default:
            protocolError("unexpected envelope kind \(received.envelope.kind.rawValue)")
        }
    }

    /// An error from the pipeline: a frame that breaks the protocol, or the connection failing.
    func failed(_ error: any Error) {
        if let error = error as? FrameError {
            protocolError(error.description)
        } else {
            shared.logger.debug("connection ended", metadata: ["error.type": "\(type(of: error))"])
            channel.close(promise: nil)
        }
    }

    /// Makes sure the timer goes off by `deadline`; called on the event loop.
    ///
    /// Calls mostly share one timeout, so a new call's deadline is rarely the earliest and the
    /// timer stays as it is: no timer per call to set and cancel.
    private func watchDeadline(_ deadline: NIODeadline) {
        let replaced: NIOScheduledCallback?? = state.withLock { state in
            guard !state.closed else { return .none }
            if let timer = state.deadlineTimer, timer.at <= deadline { return .none }
            defer { state.deadlineTimer = nil }
            return .some(state.deadlineTimer?.callback)
        }
        guard let replaced else { return }
        replaced?.cancel()
        guard let callback = try? channel.eventLoop.assumeIsolated().scheduleCallback(at: deadline, handler: self) else { return }
        state.withLock { $0.deadlineTimer = (deadline, callback) }
    }

    /// The timer went off: interrupts the calls whose deadline has passed with DEADLINE_EXCEEDED,
    /// and sets the timer for the earliest deadline left.
    func handleScheduledCallback(eventLoop: some EventLoop) {
        let now = NIODeadline.now()
        let (expired, next) = state.withLock { state in
            state.deadlineTimer = nil
            var expired: [CallEnd] = []
            var next: NIODeadline?
            for end in state.calls.values {
                guard let deadline = end.deadline else { continue }
                if deadline <= now {
                    expired.append(end)
                } else if next.map({ deadline < $0 }) ?? true {
                    next = deadline
                }
            }
            return (expired, next)
        }
        for end in expired { end.interrupt(.deadlineExceeded) }
        if let next { watchDeadline(next) }
    }

    /// The connection closed: interrupts the calls still running.
    func closed() {
        let timer = state.withLock { state in
            defer { state.deadlineTimer = nil }
            return state.deadlineTimer?.callback
        }
        timer?.cancel()
        let (running, finished) = state.withLock { state in
            state.closed = true
            guard state.calls.isEmpty else { return (Array(state.calls.values), nil as CheckedContinuation<Void, Never>?) }
            defer { state.finished = nil }
            return ([], state.finished)
        }
        for end in running { end.interrupt(.cancelled) }
        finished?.resume()
    }

    /// Registers a new call, or answers it at once when the connection cannot take it.
    private func accept(_ received: InboundEnvelope, isServerStreaming: Bool) -> CallEnd? {
        enum Verdict { case accept(CallEnd), reject(RPCError), ignore }
        let limit = shared.configuration.maximumConcurrentCallsPerConnection
        let end = CallEnd(received, isServerStreaming: isServerStreaming, shared: shared, channel: channel, peer: peer)
        let callID = end.callID
        let verdict: Verdict = state.withLock { state in
            if callID == 0 || state.calls[callID] != nil {
                return .ignore
            }
            if state.draining {
                return .reject(RPCError(.unavailable, "server is shutting down"))
            }
            if state.calls.count >= limit {
                return .reject(RPCError(.resourceExhausted, "too many calls in flight on this connection (limit \(limit))"))
            }
            state.calls[callID] = end
            state.lastCallID = max(state.lastCallID, callID)
            return .accept(end)
        }
        switch verdict {
        case .accept(let end):
            return end
        case .reject(let error):
            var answer = RPCV1.Envelope()
            answer.kind = .response
            answer.callID = callID
            answer.status = error.status
            channel.writeEnvelope(answer, promise: nil)
            return nil
        case .ignore:
            protocolError("call id \(callID) is zero or already in flight")
            return nil
        }
    }

    /// The call's bookkeeping once it has answered; closes a draining connection after its last call.
    private func ended(_ end: CallEnd) {
        let (closeNow, finished) = state.withLock { state in
            state.calls[end.callID] = nil
            guard state.calls.isEmpty else { return (false, nil as CheckedContinuation<Void, Never>?) }
            guard state.closed else { return (state.draining, nil) }
            defer { state.finished = nil }
            return (false, state.finished)
        }
        if closeNow { channel.close(promise: nil) }
        finished?.resume()
    }

    /// Sends GO_AWAY, refuses new calls, and closes once the calls in flight have finished.
    func drain(reason: RPCV1.GoAway.Reason, message: String) {
        let (first, idle, lastCallID) = state.withLock { state in
            let first = !state.draining
            state.draining = true
            return (first, state.calls.isEmpty, state.lastCallID)
        }
        guard first else { return }
        channel.writeEnvelope(Self.goAway(reason, lastCallID: lastCallID, message: message), promise: nil)
        if idle { channel.close(promise: nil) }
    }

    /// Cancels every call still running, for the end of the grace period.
    func cancelAll() {
        let ends = state.withLock { Array($0.calls.values) }
        for end in ends { end.interrupt(.cancelled) }
        channel.close(promise: nil)
    }

    private func protocolError(_ message: String) {
        shared.logger.info("protocol error; closing connection", metadata: ["rpc.error": "\(message)"])
        let lastCallID = state.withLock { state in
            state.draining = true
            return state.lastCallID
        }
        let goAway = Self.goAway(.protocolError, lastCallID: lastCallID, message: message)
        let closed = channel.eventLoop.makePromise(of: Void.self)
        closed.futureResult.whenComplete { [channel] _ in channel.close(promise: nil) }
        channel.writeEnvelope(goAway, promise: closed)
    }

    static func goAway(_ reason: RPCV1.GoAway.Reason, lastCallID: UInt64, message: String) -> RPCV1.Envelope {
        var envelope = RPCV1.Envelope()
        envelope.kind = .goAway
        envelope.goAway = RPCV1.GoAway(reason: reason, lastCallID: lastCallID, message: message)
        return envelope
    }
}

/// The last handler of a server connection's pipeline: hands its envelopes and its end to the
/// ``ServerConnection``, on the event loop, as they come.
final class ServerChannelHandler: ChannelInboundHandler {
    typealias InboundIn = InboundEnvelope

    let connection: ServerConnection

    init(connection: ServerConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.received(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.failed(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.closed()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        connection.closed()
    }
}
