import FengqiaoProtobuf
import NIOConcurrencyHelpers

/// The messages of a server-streaming call, in order; iteration ends after the last one and
/// throws ``RPCError`` when the call ends with a status other than `ok`.
///
/// Reading slowly slows the server: past a buffer of unread messages the client stops reading
/// from the connection. Dropping the stream, or cancelling the reading task, cancels the call.
public struct RPCResponseStream<Message: ProtobufMessage>: AsyncSequence, Sendable {
    /// One message of the stream.
    public typealias Element = Message

    let handle: ClientCallHandle
    private let release: ReleaseOnce

    init(handle: ClientCallHandle, permits: AsyncPermits) {
        self.handle = handle
        self.release = ReleaseOnce(permits: permits)
    }

    /// Creates the iterator; iterate a stream once.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(handle: handle, base: handle.answers.makeAsyncIterator(), release: release)
    }

    /// Reads the stream's messages.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let handle: ClientCallHandle
        var base: AsyncThrowingStream<InboundEnvelope, any Error>.AsyncIterator
        let release: ReleaseOnce
        var finished = false

        /// The next message, or `nil` after the last.
        ///
        /// - Throws: ``RPCError`` with the call's final status, or `cancelled`.
        public mutating func next() async throws -> Message? {
            guard !finished else { return nil }
            do {
                let handle = self.handle
                let envelope = try await withTaskCancellationHandler {
                    try await base.next()
                } onCancel: {
                    handle.connection.cancel(handle.callID)
                }
                guard let envelope else {
                    release.release()
                    try Task.checkCancellation()
                    throw RPCError(.unavailable, "connection closed before the end of the stream")
                }
                switch envelope.envelope.kind {
                case .streamMessage:
                    handle.connection.consumed(handle.callID)
                    do {
                        return try envelope.payload.withUnsafeReadableBytes { try Message(serializedBytes: $0) }
                    } catch {
                        throw RPCError(.internal, "stream message does not decode as \(Message.protoMessageName)")
                    }
                default:
                    finished = true
                    release.release()
                    let status = envelope.envelope.status ?? RPCV1.Status(code: .internal, message: "answer without status")
                    guard status.code == .ok else { throw RPCError(status: status, metadata: envelope.envelope.metadata) }
                    return nil
                }
            } catch {
                finished = true
                release.release()
                throw error
            }
        }
    }
}

/// Returns a client's in-flight permit exactly once, when a stream ends.
final class ReleaseOnce: Sendable {
    private let permits: NIOLockedValueBox<AsyncPermits?>

    init(permits: AsyncPermits) {
        self.permits = NIOLockedValueBox(permits)
    }

    func release() {
        let permits = self.permits.withLockedValue { value in
            defer { value = nil }
            return value
        }
        permits?.release()
    }

    deinit {
        release()
    }
}
