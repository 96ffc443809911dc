import Logging
import NIOConcurrencyHelpers
import NIOCore

/// One call on the server: finds the route, runs interceptors and handler, and answers once,
/// whichever comes first of the handler's end, the deadline, and a CANCEL.
///
/// The handler runs in one child task; the deadline is a timer on the connection's event loop and
/// a CANCEL fires the call's ``CallEnd`` directly, so a call costs one task besides its own.
struct ServerCall {
    let envelope: RPCV1.Envelope
    let connection: ServerConnection
    let end: CallEnd

    func run() async {
        let shared = connection.shared
        let requestID = envelope.metadata[RPCMetadataKey.requestID].flatMap { $0.isEmpty || $0.count > 64 ? nil : $0 }
            ?? shared.makeRequestID()
        let timeout: Duration? =
            envelope.timeoutMs > 0
            ? .milliseconds(Int64(envelope.timeoutMs)) : shared.configuration.defaultTimeout
        let deadline = timeout.map { ContinuousClock.now + $0 }
        let context = ServerContext(
            method: envelope.method,
            requestID: requestID,
            metadata: envelope.metadata,
            deadline: deadline,
            logger: shared.logger
        )
        let responder = CallResponder(callID: envelope.callID, channel: connection.channel)
        let request = ServerRequest(method: envelope.method, payload: envelope.payload)
        let chain = shared.chain(for: envelope.method, responder: responder)
        let end = self.end
        let eventLoop = connection.channel.eventLoop
        let timer = timeout.flatMap { timeout in
            try? eventLoop.scheduleCallback(at: .now() + TimeAmount(timeout), handler: end)
        }

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    end.fire(.finished(.success(try await chain(request, context))))
                } catch {
                    end.fire(.finished(.failure(error)))
                }
            }
            let first = await end.wait()
            timer?.cancel()
            group.cancelAll()
            // Answer before waiting for a handler that ignores cancellation.
            answer(first, context: context, responder: responder)
        }
    }

    private func answer(_ outcome: CallEnd.Outcome, context: ServerContext, responder: CallResponder) {
        let streaming = connection.shared.isServerStreaming(envelope.method)
        var answer = RPCV1.Envelope()
        answer.kind = streaming ? .endOfStream : .response
        answer.callID = envelope.callID
        answer.metadata[RPCMetadataKey.requestID] = context.requestID
        switch outcome {
        case .finished(.success(let response)):
            answer.status = RPCV1.Status(code: .ok)
            answer.payload = streaming ? [] : (response.payload ?? [])
            answer.metadata.merge(response.metadata) { _, new in new }
        case .finished(.failure(let error)):
            let rpcError = Self.rpcError(for: error, context: context)
            answer.status = rpcError.status
            answer.metadata.merge(rpcError.metadata) { _, new in new }
        case .deadlineExceeded:
            answer.status = RPCV1.Status(code: .deadlineExceeded, message: "deadline exceeded")
        case .cancelled:
            answer.status = RPCV1.Status(code: .cancelled, message: "cancelled by the client")
        }
        responder.sendLast(answer, logger: context.logger)
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

/// How a call ends, decided once: the first of the handler's result, the deadline, and a CANCEL.
///
/// It is also the call's deadline timer on the event loop (a scheduled callback rather than a
/// scheduled task, which would cost a promise per call).
final class CallEnd: Sendable, NIOScheduledCallbackHandler {
    enum Outcome: Sendable {
        case finished(Result<ServerResponse, any Error>)
        case deadlineExceeded
        case cancelled
    }

    private enum State {
        case open
        case waiting(CheckedContinuation<Outcome, Never>)
        case ended(Outcome)
        case taken
    }

    private let state = NIOLockedValueBox(State.open)

    func handleScheduledCallback(eventLoop: some EventLoop) {
        fire(.deadlineExceeded)
    }

    /// Ends the call with `outcome` unless it has ended already.
    func fire(_ outcome: Outcome) {
        let continuation: CheckedContinuation<Outcome, Never>? = state.withLockedValue { state in
            switch state {
            case .open:
                state = .ended(outcome)
                return nil
            case .waiting(let continuation):
                state = .taken
                return continuation
            case .ended, .taken:
                return nil
            }
        }
        continuation?.resume(returning: outcome)
    }

    /// Waits for the outcome; once only. Cancelling the waiting task ends the call as a handler
    /// failing with `CancellationError` would.
    func wait() async -> Outcome {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                let ready: Outcome? = state.withLockedValue { state in
                    switch state {
                    case .open:
                        state = .waiting(continuation)
                        return nil
                    case .ended(let outcome):
                        state = .taken
                        return outcome
                    case .waiting, .taken:
                        return .finished(.failure(CancellationError()))
                    }
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            fire(.finished(.failure(CancellationError())))
        }
    }
}
