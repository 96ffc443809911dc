import NIOCore

/// Splits the bytes read from a connection into frames and passes each frame's envelope on.
///
/// A frame that lies wholly within one read from the socket is decoded where it lies: its
/// payload stays a view of that read's buffer. Only a frame that straddles reads is copied, once,
/// into a buffer of its own that holds no other frame's bytes: of the frame's size, or for a frame
/// over 64 KiB of what has arrived, growing with the rest. (NIO's
/// `ByteToMessageHandler` gathers every read that follows an unfinished frame into one buffer,
/// copying all of it, and compacts that buffer while earlier frames still hold views of it, which
/// copies it again into new memory.)
///
/// Errors are those of ``EnvelopeFrameDecoder``: a length over the limit is refused before
/// anything is allocated for it, an envelope that does not decode is a malformed envelope, and a
/// connection that ends inside a frame a truncated frame. Each is passed on with
/// `fireErrorCaught`, after which nothing more read from the connection is decoded.
public final class EnvelopeFrameHandler: ChannelInboundHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = InboundEnvelope

    private var decoder: EnvelopeFrameDecoder
    /// What has been read of a frame that straddles reads: part of its length, or part of its
    /// body (the decoder has then read the length), in a buffer of that part's whole size.
    private var unfinished: ByteBuffer?
    /// Set after an error or the end of the connection: nothing more is decoded.
    private var stopped = false

    /// Creates a handler that refuses frames longer than `maximumFrameLength` bytes.
    public init(maximumFrameLength: Int = RPCLimits.defaultMaximumFrameLength) {
        self.decoder = EnvelopeFrameDecoder(maximumFrameLength: maximumFrameLength)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped else { return }
        var buffer = unwrapInboundIn(data)
        do {
            if unfinished != nil {
                guard try finishUnfinished(from: &buffer, context: context) else { return }
            }
            while !stopped, let envelope = try decoder.decodeEnvelope(from: &buffer) {
                context.fireChannelRead(wrapInboundOut(envelope))
            }
            if !stopped, buffer.readableBytes > 0 {
                keepUnfinished(&buffer, allocator: context.channel.allocator)
            }
        } catch {
            stop()
            context.fireErrorCaught(error)
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let truncated = !stopped && (unfinished != nil || decoder.state != .waitingForHeader)
        stop()
        if truncated { context.fireErrorCaught(FrameError(code: .truncatedFrame)) }
        context.fireChannelInactive()
    }

    private func stop() {
        stopped = true
        unfinished = nil
    }

    /// The size of the part of a frame the decoder waits for: its length, or its body.
    private var awaitedPartSize: Int {
        switch decoder.state {
        case .waitingForHeader: 4
        case .waitingForFrame(let length): length
        }
    }

    /// Copies the rest of `buffer` (less than the awaited part) into a buffer of the part's size,
    /// or of 64 KiB to start with for a longer part: memory grows with what the peer has sent, not
    /// with the length it announced.
    private func keepUnfinished(_ buffer: inout ByteBuffer, allocator: ByteBufferAllocator) {
        var kept = allocator.buffer(capacity: min(awaitedPartSize, max(buffer.readableBytes, 64 * 1024)))
        kept.writeBuffer(&buffer)
        unfinished = kept
    }

    /// Completes the unfinished part from the front of `buffer`, decoding the frame when it was
    /// the body. Returns false when `buffer` did not hold enough and everything was kept.
    private func finishUnfinished(from buffer: inout ByteBuffer, context: ChannelHandlerContext) throws -> Bool {
        guard var part = unfinished else { return true }
        unfinished = nil
        let wanted = awaitedPartSize - part.readableBytes
        guard var rest = buffer.readSlice(length: min(wanted, buffer.readableBytes)) else { return false }
        part.writeBuffer(&rest)
        guard part.readableBytes == awaitedPartSize else {
            unfinished = part
            return false
        }
        // A whole length (the body then follows in `buffer`, or is empty) or a whole frame.
        if let envelope = try decoder.decodeEnvelope(from: &part) {
            context.fireChannelRead(wrapInboundOut(envelope))
        }
        return !stopped
    }
}
