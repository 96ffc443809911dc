import FengqiaoProtobuf
import NIOCore

/// Writes the messages of a server-streaming call.
///
/// ``write(_:)`` returns once the message is handed to the socket, so a slow reader (a full
/// socket buffer) slows the handler instead of growing the server's memory.
public struct ServerStreamWriter<Message: ProtobufMessage>: Sendable {
    let responder: CallResponder

    /// Sends one message of the stream.
    ///
    /// - Throws: `CancellationError` when the call was cancelled, or the channel's error when the
    ///   connection is gone.
    public func write(_ message: Message) async throws {
        try Task.checkCancellation()
        var envelope = RPCV1.Envelope()
        envelope.kind = .streamMessage
        envelope.callID = responder.callID
        envelope.payload = message.serializedBytes()
        try await responder.send(envelope)
    }
}

/// Sends the envelopes of one call on its connection, in order, each awaited until written.
struct CallResponder: Sendable {
    let callID: UInt64
    let channel: any Channel

    func send(_ envelope: RPCV1.Envelope) async throws {
        try await channel.writeAndFlush(envelope)
    }
}
