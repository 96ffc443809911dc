import Logging
import NIOCore

/// One call on the server: finds the route, runs interceptors and handler, and answers once,
/// whichever comes first of the handler's end, the deadline, and a CANCEL.
struct ServerCall {
    private enum Outcome: Sendable {
        case finished(Result<ServerResponse, any Error>)
        case deadlineExceeded
        case cancelled
    }

    let envelope: RPCV1.Envelope
    let connection: ServerConnection
    let signal: CallSignal

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

        await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    return .finished(.success(try await chain(request, context)))
                } catch {
                    return .finished(.failure(error))
                }
            }
            group.addTask { await signal.wait() == nil ? .finished(.failure(CancellationError())) : .cancelled }
            if let deadline {
                group.addTask {
                    do {
                        try await Task.sleep(until: deadline, clock: .continuous)
                        return .deadlineExceeded
                    } catch {
                        return .finished(.failure(CancellationError()))
                    }
                }
            }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            // Answer before waiting for a handler that ignores cancellation.
            await answer(first, context: context, responder: responder)
        }
    }

    private func answer(_ outcome: Outcome, context: ServerContext, responder: CallResponder) async {
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
        do {
            try await responder.send(answer)
        } catch {
            context.logger.debug("answer not sent: connection closed")
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
