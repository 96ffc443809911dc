import Logging
import NIOCore
import Synchronization

/// One call on the server: finds the route, runs interceptors and handler, and answers once,
/// whichever comes first of the handler's end, the deadline, and a CANCEL.
///
/// The call is one task. The deadline (a callback on the connection's event loop), a CANCEL and
/// the connection's end interrupt it through its ``CallEnd``, which answers at once, without
/// waiting for a handler that ignores cancellation, and cancels the task.
struct ServerCall {
    let call: PreparedCall
    let connection: ServerConnection
    let end: CallEnd

    /// Inlined into the call's task: one frame of the task's memory fewer on every call.
    @inline(__always)
    nonisolated(nonsending) func run() async {
        // The context is read where it is used, from the call's end, not copied out of it.
        let responder = CallResponder(callID: end.callID, channel: connection.channel)
        let result: Result<ServerResponse, any Error>
        do {
            switch call {
            case .direct(let handling):
                result = .success(try await handling(end.context, responder))
            case .failed(let error):
                result = .failure(error)
            case .intercepted(let request):
                result = .success(try await connection.shared.intercept(request, context: end.context, responder: responder))
            }
        } catch {
            result = .failure(error)
        }
        answer(with: result, context: end.context, responder: responder)
    }

    /// Answers with the handler's result, unless an interruption has answered already.
    ///
    /// Not `async`: what it builds lives on the thread's stack, not in the task's memory.
    private func answer(with result: Result<ServerResponse, any Error>, context: ServerContext, responder: CallResponder) {
        // An interruption has answered already.
        guard end.complete() else { return }
        var answer = end.answerEnvelope()
        var payload: FramePayload?
        switch result {
        case .success(let response):
            answer.status = RPCV1.Status(code: .ok)
            answer.metadata = response.metadata
            if !end.isServerStreaming { payload = response.body }
        case .failure(let error):
            let rpcError = Self.rpcError(for: error, context: context)
            answer.status = rpcError.status
            answer.metadata = rpcError.metadata
        }
        // The response is packed straight into the frame, here, on the call's own thread.
        do {
            responder.sendLast(frame: try end.frame(of: answer, payload: payload ?? .encoded([])))
        } catch {
            // A string holds U+0000, which libprotobuf-c cannot encode: the handler's fault,
            // answered as such rather than cut short or not at all.
            var failed = end.answerEnvelope()
            if let field = answer.fieldWithNUL {
                // In the envelope (metadata or the status the handler's error gave).
                context.logger.error("answer holds U+0000, sent as INTERNAL", metadata: ["envelope.field": "\(field)"])
                failed.status = RPCError.internalError.status
            } else {
                // In the response message.
                failed.status = Self.rpcError(for: error, context: context).status
            }
            // Holds no string of the handler's: it encodes.
            if let frame = try? end.frame(of: failed) { responder.sendLast(frame: frame) }
        }
    }

    /// Maps a handler's error to the status on the wire, once, at the server boundary.
    static func rpcError(for error: any Error, context: ServerContext, log: Bool = true) -> RPCError {
        if let convertible = error as? any RPCStatusConvertible {
            return convertible.rpcError
        }
        if error is CancellationError {
            if let deadline = context.deadline, deadline <= .now {
                return RPCError(.deadlineExceeded, "deadline exceeded")
            }
            return RPCError(.cancelled, "call cancelled")
        }
        if log {
            context.logger.error("handler failed", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
        }
        return .internalError
    }
}

/// How a call ends, decided once: by the handler's end, or by an interruption (the deadline, a
/// CANCEL, the connection's end) that answers at once and cancels the call's task.
///
/// The deadline is watched by the connection (one timer for all its calls).
final class CallEnd: Sendable {
    enum Interruption: Sendable {
        case cancelled
        case deadlineExceeded
    }

    private struct State {
        var ended = false
        var interrupted = false
        var task: Task<Void, Never>?
    }

    let callID: UInt64
    let isServerStreaming: Bool
    let context: ServerContext
    /// When the call runs out of time, on the event loop's clock.
    let deadline: NIODeadline?
    private let channel: any Channel
    private let state = Mutex(State())

    /// The call's context, with its request id and deadline counted from now.
    init(_ received: InboundEnvelope, isServerStreaming: Bool, shared: ServerShared, channel: any Channel, peer: SocketAddress?) {
        let requestID = received.envelope.metadata[RPCMetadataKey.requestID].flatMap { $0.isEmpty || $0.count > 64 ? nil : $0 }
            ?? shared.makeRequestID()
        let timeout: Duration? =
            received.envelope.timeoutMs > 0
            ? .milliseconds(Int64(received.envelope.timeoutMs)) : shared.configuration.defaultTimeout
        self.callID = received.envelope.callID
        self.isServerStreaming = isServerStreaming
        self.deadline = timeout.map { NIODeadline.now() + TimeAmount($0) }
        self.channel = channel
        self.context = ServerContext(
            method: received.envelope.method,
            requestID: requestID,
            metadata: received.envelope.metadata,
            deadline: timeout.map { ContinuousClock.now + $0 },
            logger: shared.logger,
            peer: peer
        )
    }

    /// Hands over the call's task, cancelled at once if the call was interrupted meanwhile.
    func start(_ task: Task<Void, Never>) {
        let cancelTask = state.withLock { state in
            state.task = task
            return state.interrupted
        }
        if cancelTask { task.cancel() }
    }

    /// Ends the call now, unless it has ended: answers with CANCELLED or DEADLINE_EXCEEDED and
    /// cancels the task.
    func interrupt(_ reason: Interruption) {
        let task: Task<Void, Never>?? = state.withLock { state in
            guard !state.ended else { return .none }
            state.ended = true
            state.interrupted = true
            return .some(state.task)
        }
        guard let task else { return }
        var answer = answerEnvelope()
        switch reason {
        case .deadlineExceeded:
            answer.status = RPCV1.Status(code: .deadlineExceeded, message: "deadline exceeded")
        case .cancelled:
            answer.status = RPCV1.Status(code: .cancelled, message: "cancelled by the client")
        }
        if let frame = try? frame(of: answer) { CallResponder(callID: callID, channel: channel).sendLast(frame: frame) }
        task?.cancel()
    }

    /// Ends the call as the handler finished; `false` when an interruption has answered already.
    func complete() -> Bool {
        state.withLock { state in
            guard !state.ended else { return false }
            state.ended = true
            return true
        }
    }

    /// The final envelope's common part: kind and call id; ``frame(of:payload:)`` adds the
    /// request id.
    func answerEnvelope() -> RPCV1.Envelope {
        var answer = RPCV1.Envelope()
        answer.kind = isServerStreaming ? .endOfStream : .response
        answer.callID = callID
        return answer
    }

    /// The final envelope `answer` as a frame, with the call's request id in its metadata (unless
    /// the metadata has one), added to the frame without a dictionary made for it on every call.
    ///
    /// - Throws: ``ProtobufEncodingError`` when a string of `answer` or `payload` holds U+0000.
    func frame(of answer: RPCV1.Envelope, payload: FramePayload = .encoded([])) throws -> ByteBuffer {
        try answer.frame(payload: payload, addingMetadata: (RPCMetadataKey.requestID, context.requestID))
    }
}

extension ServerContext {
    /// The status code a call thrown this error ends with, as the server will answer it.
    public func statusCode(of error: any Error) -> RPCV1.Code {
        ServerCall.rpcError(for: error, context: self, log: false).code
    }
}
