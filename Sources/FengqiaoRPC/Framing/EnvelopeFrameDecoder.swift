import FengqiaoProtobuf
import NIOCore

/// Reads frames from the front of a TCP byte stream and decodes each frame's envelope: the state
/// machine that ``EnvelopeFrameHandler`` runs on a connection's reads, and the fuzz target on its
/// input.
///
/// Every frame is a 4-byte big-endian unsigned length `N`, then `N` bytes of protobuf:
///
/// ```
/// +----------------+------------------------------+
/// | length: UInt32 | envelope: N bytes (protobuf) |
/// +----------------+------------------------------+
/// ```
///
/// A length above ``maximumFrameLength`` is refused before anything is allocated for it: the
/// decoder throws ``FrameError`` (`frameTooLarge`), and the connection handler answers GO_AWAY
/// and closes.
public struct EnvelopeFrameDecoder: Sendable {
    /// The decoder's progress through the current frame.
    enum State: Equatable {
        case waitingForHeader
        case waitingForFrame(length: Int)
    }

    /// The largest frame, in bytes after the length prefix, the decoder accepts.
    public let maximumFrameLength: Int
    private(set) var state: State = .waitingForHeader

    /// Creates a decoder that refuses frames longer than `maximumFrameLength` bytes.
    public init(maximumFrameLength: Int = RPCLimits.defaultMaximumFrameLength) {
        self.maximumFrameLength = maximumFrameLength
    }

    /// Reads one envelope from `buffer`, or returns `nil` when the frame is not complete yet.
    ///
    /// libprotobuf-c's unpack decodes the envelope without its payload field, which stays in the
    /// frame and is handed on as a view of it (see ``ProtobufFieldSplit``): no copy of the
    /// request or response message is made here. An empty `status` (the one of every OK answer)
    /// is left out of the unpack too and set afterwards, as unpack would have set it.
    ///
    /// Pure logic without a channel.
    /// - Throws: ``FrameError`` for a frame over the limit or an envelope that does not decode.
    public mutating func decodeEnvelope(from buffer: inout ByteBuffer) throws -> InboundEnvelope? {
        if case .waitingForHeader = state {
            guard let length = buffer.readInteger(endianness: .big, as: UInt32.self) else { return nil }
            guard Int(length) <= maximumFrameLength else {
                throw FrameError(code: .frameTooLarge, length: Int(length), limit: maximumFrameLength)
            }
            state = .waitingForFrame(length: Int(length))
        }
        guard case .waitingForFrame(let length) = state,
            let view = buffer.readSlice(length: length)
        else { return nil }
        state = .waitingForHeader
        do {
            return try Self.envelope(in: view)
        } catch {
            throw FrameError(code: .malformedEnvelope)
        }
    }

    /// The envelope in `frame`, its payload a slice of `frame`.
    private static func envelope(in frame: ByteBuffer) throws -> InboundEnvelope {
        try frame.withUnsafeReadableBytes { bytes in
            // An answer's status OK is an empty message (3A 00): set below instead of decoded.
            let split = ProtobufFieldSplit(field: RPCV1.Envelope.payloadField, droppingEmpty: RPCV1.Envelope.statusField, in: bytes)
            guard let split else {
                throw FrameError(code: .malformedEnvelope)
            }
            let envelope = try Self.envelope(around: split, in: bytes)
            guard let value = split.value else { return InboundEnvelope(envelope: envelope, payload: ByteBuffer()) }
            guard let payload = frame.getSlice(at: frame.readerIndex + value.lowerBound, length: value.count) else {
                throw FrameError(code: .malformedEnvelope)
            }
            return InboundEnvelope(envelope: envelope, payload: payload)
        }
    }

    /// The envelope's fields but its payload: the rest of `split`, unpacked.
    private static func envelope(around split: ProtobufFieldSplit, in bytes: UnsafeRawBufferPointer) throws -> RPCV1.Envelope {
        let envelope: RPCV1.Envelope
        switch split.rest.count {
        case 0:
            envelope = RPCV1.Envelope()
        case 1:
            envelope = try RPCV1.Envelope(serializedBytes: UnsafeRawBufferPointer(rebasing: bytes[split.rest[0]]))
        default:
            // The fields around the payload, joined: a few dozen bytes.
            let count = split.rest.reduce(0) { $0 + $1.count }
            envelope = try withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { joined in
                var position = 0
                for stretch in split.rest {
                    UnsafeMutableRawBufferPointer(rebasing: joined[position..<(position + stretch.count)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[stretch]))
                    position += stretch.count
                }
                return try RPCV1.Envelope(serializedBytes: UnsafeRawBufferPointer(joined))
            }
        }
        guard split.droppedEmpty, envelope.status == nil else { return envelope }
        var withStatus = envelope
        withStatus.status = RPCV1.Status()
        return withStatus
    }
}
