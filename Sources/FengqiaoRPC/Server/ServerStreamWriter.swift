import FengqiaoProtobuf
import Logging
import NIOCore

/// Writes the messages of a server-streaming call.
///
/// ``write(_:)`` returns once the message is handed to the socket, so a slow reader (a full
/// socket buffer) slows the handler instead of growing the server's memory.
public struct ServerStreamWriter<Message: ProtobufMessage>: Sendable {
    let responder: CallResponder

    /// Sends one message of the stream.
    ///
    /// - Throws: `CancellationError` when the call was cancelled, ``ProtobufEncodingError`` when a
    ///   string in `message` holds U+0000 (nothing is sent; thrown on, the call ends `INTERNAL`),
    ///   or the channel's error when the connection is gone.
    public func write(_ message: Message) async throws {
        try Task.checkCancellation()
        var envelope = RPCV1.Envelope()
        envelope.kind = .streamMessage
        envelope.callID = responder.callID
        try await responder.send(frame: try envelope.frame(payload: .message(message)))
    }
}

/// Sends the envelopes of one call on its connection, in order.
struct CallResponder: Sendable {
    let callID: UInt64
    let channel: any Channel

    /// Sends a stream message, already framed, returning once it is handed to the socket.
    func send(frame: ByteBuffer) async throws {
        try await channel.writeAndFlush(frame)
    }

    /// Sends the call's final answer, already framed, without waiting for the socket; if the
    /// connection is gone, nobody waits for the answer any more.
    func sendLast(frame: ByteBuffer) {
        channel.writeAndFlush(frame, promise: nil)
    }
}
