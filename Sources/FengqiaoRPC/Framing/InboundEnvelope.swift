import NIOCore

/// An envelope as read from a frame: every field but the payload decoded, and the payload a view
/// of the frame's bytes.
///
/// The request or response message in the payload is decoded once, by whoever needs it, straight
/// from the bytes read off the socket; nothing copies it on the way.
public struct InboundEnvelope: Sendable {
    /// The envelope's fields, with `payload` left empty.
    public var envelope: RPCV1.Envelope
    /// The payload's bytes.
    public var payload: ByteBuffer

    init(envelope: RPCV1.Envelope, payload: ByteBuffer) {
        self.envelope = envelope
        self.payload = payload
    }

    /// The whole envelope, payload included (a copy of it).
    public var wholeEnvelope: RPCV1.Envelope {
        var whole = envelope
        whole.payload = Array(payload.readableBytesView)
        return whole
    }
}
