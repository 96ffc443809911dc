import FengqiaoProtobuf
import NIOCore

/// Splits a TCP byte stream into frames and decodes each frame's envelope.
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
public struct EnvelopeFrameDecoder: ByteToMessageDecoder {
    /// The decoder's progress through the current frame.
    enum State: Equatable {
        case waitingForHeader
        case waitingForFrame(length: Int)
    }

    /// Envelopes, one per frame.
    public typealias InboundOut = RPCV1.Envelope

    /// The largest frame, in bytes after the length prefix, the decoder accepts.
    public let maximumFrameLength: Int
    private(set) var state: State = .waitingForHeader

    /// Creates a decoder that refuses frames longer than `maximumFrameLength` bytes.
    public init(maximumFrameLength: Int = RPCLimits.defaultMaximumFrameLength) {
        self.maximumFrameLength = maximumFrameLength
    }

    /// Decodes one envelope if a whole frame is buffered.
    ///
    /// - Throws: ``FrameError`` for a frame over the limit or an envelope that does not decode.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let envelope = try decodeEnvelope(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(envelope))
        return .continue
    }

    /// Decodes the last frames when the connection ends.
    ///
    /// - Throws: ``FrameError`` (`truncatedFrame`) when bytes of an unfinished frame are left.
    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 || state != .waitingForHeader {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            state = .waitingForHeader
            throw FrameError(code: .truncatedFrame)
        }
        return .needMoreData
    }

    /// Reads one envelope from `buffer`, or returns `nil` when the frame is not complete yet.
    ///
    /// Pure logic without a channel, shared by the handler and the fuzz target.
    /// - Throws: ``FrameError`` for a frame over the limit or an envelope that does not decode.
    public mutating func decodeEnvelope(from buffer: inout ByteBuffer) throws -> RPCV1.Envelope? {
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
            return try view.withUnsafeReadableBytes { try RPCV1.Envelope(serializedBytes: $0) }
        } catch {
            throw FrameError(code: .malformedEnvelope)
        }
    }
}
