import NIOCore

/// An envelope as read from a frame: every field but the payload decoded, and the payload a view
/// of the frame's bytes.
///
/// The request or response message in the payload is decoded once, by whoever needs it, straight
/// from the bytes read off the socket; nothing copies it on the way. A class, so that passing it
/// down the channel pipeline and on to a call shares it instead of copying every field.
public final class InboundEnvelope: Sendable {
    /// The envelope's fields, with `payload` left empty.
    public let envelope: RPCV1.Envelope
    /// The payload's bytes.
    public let payload: ByteBuffer

    init(envelope: RPCV1.Envelope, payload: ByteBuffer) {
        self.envelope = envelope
        self.payload = payload
    }

    /// The envelope with a payload of its own, no longer a view of the bytes read.
    func detached() -> InboundEnvelope {
        InboundEnvelope(envelope: envelope, payload: ByteBuffer(bytes: payload.readableBytesView))
    }

    /// The whole envelope, payload included (a copy of it).
    public var wholeEnvelope: RPCV1.Envelope {
        var whole = envelope
        whole.payload = Array(payload.readableBytesView)
        return whole
    }
}
