/// A connection-level wire error: the peer broke the framing or sent an envelope that does not decode.
///
/// The receiver answers with GO_AWAY (`REASON_PROTOCOL_ERROR`) and closes the connection; the
/// error never reaches a handler. Its `description` names the fault, never the bytes.
public struct FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// A frame announced more bytes than the receiver's limit.
        case frameTooLarge
        /// A frame held bytes that do not decode as an envelope.
        case malformedEnvelope
        /// The connection ended in the middle of a frame.
        case truncatedFrame
    }

    /// What went wrong.
    public var code: Code
    /// The announced length, for `frameTooLarge`.
    public var length: Int?
    /// The receiver's limit, for `frameTooLarge`.
    public var limit: Int?

    /// Creates a frame error.
    public init(code: Code, length: Int? = nil, limit: Int? = nil) {
        self.code = code
        self.length = length
        self.limit = limit
    }

    /// Whether the length prefix is the start of a TLS record: a handshake (0x16) or an alert
    /// (0x15), then version 3.x. A plain-TCP peer reads these from a TLS peer, and the other way
    /// round.
    var looksLikeTLS: Bool {
        guard let length, code == .frameTooLarge else { return false }
        return length >> 16 == 0x1603 || length >> 16 == 0x1503
    }

    /// A short English description fit for a GO_AWAY message and logs.
    public var description: String {
        switch code {
        case .frameTooLarge where looksLikeTLS:
            "frame of \(length ?? 0) bytes exceeds the limit of \(limit ?? 0) bytes; the bytes look like TLS: is TLS on at one end only?"
        case .frameTooLarge:
            "frame of \(length ?? 0) bytes exceeds the limit of \(limit ?? 0) bytes"
        case .malformedEnvelope:
            "frame does not hold a valid fengqiao.rpc.v1.Envelope"
        case .truncatedFrame:
            "connection closed in the middle of a frame"
        }
    }
}
