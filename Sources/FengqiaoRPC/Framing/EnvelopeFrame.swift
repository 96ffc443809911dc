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
    /// The payload is copied once, from the envelope into the frame: see
    /// ``writeEnvelopeFrame(_:payload:)``.
    ///
    /// - Returns: the number of bytes written.
    /// - Throws: ``ProtobufEncodingError`` when a string of the envelope holds U+0000; nothing is
    ///   written then.
    @discardableResult
    public mutating func writeEnvelopeFrame(_ envelope: RPCV1.Envelope) throws -> Int {
        let payload = envelope.payload
        return try writeEnvelopeFrame(envelope, in: ProtobufArena(), payloadSize: payload.count) { buffer in
            payload.withUnsafeBytes { buffer.copyMemory(from: $0) }
        }
    }

    /// Appends `envelope` as one frame with `message`, encoded, as its payload (the envelope's own
    /// `payload` is not used).
    ///
    /// libprotobuf-c packs `message` straight into the frame, and packs the envelope's other
    /// fields as two envelopes around it: fields 1 to 5 before, 7 and 8 after, with the payload's
    /// tag and length between. protobuf-c packs fields in number order, so the frame holds the
    /// same bytes as packing the whole envelope at once with the encoded message as its payload,
    /// without the copies of the message that would take.
    ///
    /// - Returns: the number of bytes written.
    /// - Throws: ``ProtobufEncodingError`` when a string of the envelope or the message holds
    ///   U+0000; nothing is written then.
    @discardableResult
    public mutating func writeEnvelopeFrame(_ envelope: RPCV1.Envelope, payload message: some ProtobufMessage) throws -> Int {
        let arena = ProtobufArena()
        let packing = try arena.prepare(message)
        return try writeEnvelopeFrame(envelope, in: arena, payloadSize: packing.size) { packing.write(into: $0) }
    }

    /// Writes the frame of `envelope` with a payload of `payloadSize` bytes that `writePayload`
    /// puts into the buffer it is given; `arena` lives until the frame is written.
    private mutating func writeEnvelopeFrame(
        _ envelope: RPCV1.Envelope,
        in arena: ProtobufArena,
        payloadSize: Int,
        writePayload: (UnsafeMutableRawBufferPointer) -> Void
    ) throws -> Int {
        var before = envelope
        before.payload = []
        before.status = nil
        before.goAway = nil
        var after = RPCV1.Envelope()
        after.status = envelope.status
        after.goAway = envelope.goAway
        let first = try arena.prepare(before)
        let last = try arena.prepare(after)
        return withExtendedLifetime(arena) {
            // proto3 leaves an empty `bytes` field out.
            let payloadField = payloadSize == 0 ? 0 : 1 + Self.varintLength(payloadSize) + payloadSize
            let size = first.size + payloadField + last.size
            reserveCapacity(minimumWritableBytes: 4 + size)
            writeInteger(UInt32(truncatingIfNeeded: size), endianness: .big)
            writeWithUnsafeMutableBytes(minimumWritableBytes: size) { buffer in
                first.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<first.size]))
                var position = first.size
                if payloadSize > 0 {
                    buffer[position] = RPCV1.Envelope.payloadTag
                    position += 1
                    var length = payloadSize
                    while length >= 0x80 {
                        buffer[position] = UInt8(truncatingIfNeeded: length) | 0x80
                        length >>= 7
                        position += 1
                    }
                    buffer[position] = UInt8(length)
                    position += 1
                    writePayload(UnsafeMutableRawBufferPointer(rebasing: buffer[position..<(position + payloadSize)]))
                    position += payloadSize
                }
                last.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[position..<size]))
                return size
            }
            return 4 + size
        }
    }

    /// The bytes of `value` as a protobuf varint.
    private static func varintLength(_ value: Int) -> Int {
        var value = value
        var length = 1
        while value >= 0x80 {
            value >>= 7
            length += 1
        }
        return length
    }
}

extension RPCV1.Envelope {
    /// The number of the `payload` field.
    static let payloadField: UInt32 = 6
    /// The `payload` field's tag: its number and wire type 2 (length-delimited).
    static let payloadTag = UInt8(payloadField << 3 | 2)
}
