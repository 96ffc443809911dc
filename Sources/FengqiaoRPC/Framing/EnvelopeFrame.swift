import FengqiaoProtobuf
import NIOCore

extension RPCV1.Envelope {
    /// The envelope as one frame in a buffer of its own, sized to fit.
    ///
    /// Senders encode envelopes themselves (on the thread that makes them) and write the frames;
    /// the pipelines carry bytes outwards.
    ///
    /// - Throws: ``ProtobufEncodingError`` when a string of the envelope holds U+0000.
    func frame() throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try buffer.writeEnvelopeFrame(self)
        return buffer
    }
}

extension Channel {
    /// Writes `envelope` as one frame and flushes; an envelope that cannot be encoded fails
    /// `promise` and writes nothing.
    func writeEnvelope(_ envelope: RPCV1.Envelope, promise: EventLoopPromise<Void>?) {
        do {
            writeAndFlush(try envelope.frame(), promise: promise)
        } catch {
            promise?.fail(error)
        }
    }

    /// Writes `envelope` as one frame, flushes, and returns once it is handed to the socket.
    func writeEnvelope(_ envelope: RPCV1.Envelope) async throws {
        try await writeAndFlush(try envelope.frame())
    }
}

extension ChannelHandlerContext {
    /// Writes `envelope` as one frame and flushes, from inside the pipeline; an envelope that
    /// cannot be encoded fails the returned future and writes nothing.
    @discardableResult
    func writeEnvelope(_ envelope: RPCV1.Envelope) -> EventLoopFuture<Void> {
        do {
            return writeAndFlush(NIOAny(try envelope.frame()))
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }
}

extension ByteBuffer {
    /// Appends `envelope` as one frame: a 4-byte big-endian length, then the envelope's protobuf bytes.
    ///
    /// - Returns: the number of bytes written.
    /// - Throws: ``ProtobufEncodingError`` when a string of the envelope holds U+0000; nothing is
    ///   written then.
    @discardableResult
    public mutating func writeEnvelopeFrame(_ envelope: RPCV1.Envelope) throws -> Int {
        try envelope.withSerializedSize { size, write in
            reserveCapacity(minimumWritableBytes: 4 + size)
            writeInteger(UInt32(truncatingIfNeeded: size), endianness: .big)
            writeWithUnsafeMutableBytes(minimumWritableBytes: size) { pointer in
                write(UnsafeMutableRawBufferPointer(rebasing: pointer[0..<size]))
                return size
            }
            return 4 + size
        }
    }
}
