internal import CFengqiaoMessages
import FengqiaoProtobuf
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What goes into a frame's payload: bytes already encoded, or a message that libprotobuf-c
/// packs straight into the frame.
enum FramePayload: Sendable {
    case encoded([UInt8])
    case message(any ProtobufMessage)
}

extension RPCV1.Envelope {
    /// The envelope as one frame in a buffer of its own, allocated at its exact size.
    ///
    /// Senders encode envelopes themselves (on the thread that makes them) and write the frames;
    /// the pipelines carry bytes outwards.
    ///
    /// - Throws: ``ProtobufEncodingError`` when a string of the envelope holds U+0000.
    func frame() throws -> ByteBuffer {
        try frame(payload: .encoded(payload))
    }

    /// The envelope as one frame with `payload` as its payload (the envelope's own `payload` is
    /// not used), in a buffer allocated at its exact size: see
    /// ``ByteBuffer/writeEnvelopeFrame(_:payload:)``.
    ///
    /// `entry`, when given, goes into the frame as one more `metadata` entry, unless `metadata`
    /// has its key already: a server's answers carry the call's request id this way, without a
    /// dictionary made for it on every call.
    ///
    /// - Throws: ``ProtobufEncodingError`` when a string of the envelope or the message holds U+0000.
    func frame(payload: FramePayload, addingMetadata entry: (key: String, value: String)? = nil) throws -> ByteBuffer {
        try withFrameParts(payload, addingMetadata: entry) { parts, writePayload in
            var buffer = ByteBufferAllocator().buffer(capacity: 4 + parts.size)
            buffer.write(parts, payload: writePayload)
            return buffer
        }
    }

    /// Prepares the frame of the envelope with `payload` in an arena, and hands `body` its parts
    /// and what writes the payload, while the arena lives.
    fileprivate func withFrameParts<Result>(
        _ payload: FramePayload,
        addingMetadata entry: (key: String, value: String)? = nil,
        _ body: (EnvelopeFrameParts, (UnsafeMutableRawBufferPointer) -> Void) -> Result
    ) throws -> Result {
        let entry = entry.flatMap { metadata.isEmpty || metadata[$0.key] == nil ? $0 : nil }
        return try ProtobufArena.withStackBlock { arena in
            switch payload {
            case .encoded(let bytes):
                let made = try EnvelopeFrameParts.Made(self, addingMetadata: entry, in: arena)
                return arena.withStringsInPlace {
                    let parts = EnvelopeFrameParts(made, in: arena, payloadSize: bytes.count)
                    return body(parts) { buffer in bytes.withUnsafeBytes { buffer.copyMemory(from: $0) } }
                }
            case .message(let message):
                let madeMessage = try arena.make(message)
                let made = try EnvelopeFrameParts.Made(self, addingMetadata: entry, in: arena)
                return arena.withStringsInPlace {
                    let packing = ProtobufPacking(made: madeMessage, in: arena)
                    let parts = EnvelopeFrameParts(made, in: arena, payloadSize: packing.size)
                    return body(parts) { packing.write(into: $0) }
                }
            }
        }
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
        try envelope.withFrameParts(.encoded(envelope.payload)) { write($0, payload: $1) }
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
        try envelope.withFrameParts(.message(message)) { write($0, payload: $1) }
    }

    /// Writes the frame whose parts are prepared, with `writePayload` putting the payload into
    /// the bytes it is given; returns the number of bytes written.
    @discardableResult
    fileprivate mutating func write(_ frame: EnvelopeFrameParts, payload writePayload: (UnsafeMutableRawBufferPointer) -> Void) -> Int {
        let size = frame.size
        reserveCapacity(minimumWritableBytes: 4 + size)
        writeInteger(UInt32(truncatingIfNeeded: size), endianness: .big)
        writeWithUnsafeMutableBytes(minimumWritableBytes: size) { buffer in
            frame.first.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<frame.first.size]))
            var position = frame.first.size
            if frame.payloadSize > 0 {
                buffer[position] = RPCV1.Envelope.payloadTag
                position += 1
                ProtobufVarint.write(frame.payloadSize, into: buffer, at: &position)
                writePayload(UnsafeMutableRawBufferPointer(rebasing: buffer[position..<(position + frame.payloadSize)]))
                position += frame.payloadSize
            }
            frame.last?.write(into: UnsafeMutableRawBufferPointer(rebasing: buffer[position..<size]))
            return size
        }
        return 4 + size
    }
}

/// An envelope's frame, ready to write once its size is known: the fields before the payload
/// (1 to 5) and after it (7 and 8) prepared for libprotobuf-c's pack as two envelopes, in an
/// arena that must outlive the writing.
private struct EnvelopeFrameParts {
    let first: ProtobufPacking
    /// `nil` when the envelope has neither `status` nor `go_away`.
    let last: ProtobufPacking?
    let payloadSize: Int
    /// The frame's size after its 4-byte length prefix.
    let size: Int

    /// The two envelope structs of a frame, made in an arena and not yet measured.
    struct Made {
        let head: UnsafeMutablePointer<Fengqiao__Rpc__V1__Envelope>
        /// `nil` when the envelope has neither `status` nor `go_away`.
        let tail: UnsafeMutablePointer<Fengqiao__Rpc__V1__Envelope>?

        /// `entry` is added to the envelope's `metadata` (whose keys it is not among).
        ///
        /// - Throws: ``ProtobufEncodingError`` when a string of the envelope holds U+0000.
        init(_ envelope: RPCV1.Envelope, addingMetadata entry: (key: String, value: String)?, in arena: ProtobufArena) throws {
            // The envelope's structs are made once; its `status` and `go_away` then move to a
            // second envelope struct of their own, packed after the payload.
            let made: UnsafeMutableRawPointer
            if envelope.payload.isEmpty {
                made = try arena.make(envelope)
            } else {
                // The payload goes into the frame apart from the envelope: do not copy it here too.
                var withoutPayload = envelope
                withoutPayload.payload = []
                made = try arena.make(withoutPayload)
            }
            head = made.assumingMemoryBound(to: Fengqiao__Rpc__V1__Envelope.self)
            if let entry {
                try EnvelopeFrameParts.add(entry, to: head, in: arena)
            }
            if head.pointee.status != nil || head.pointee.go_away != nil {
                let tail = arena.allocate(Fengqiao__Rpc__V1__Envelope.self)
                fengqiao__rpc__v1__envelope__init(tail)
                tail.pointee.status = head.pointee.status
                tail.pointee.go_away = head.pointee.go_away
                head.pointee.status = nil
                head.pointee.go_away = nil
                self.tail = tail
            } else {
                tail = nil
            }
        }
    }

    /// Measures `made`, inside the arena's `withStringsInPlace(_:)`, where the frame is written too.
    init(_ made: Made, in arena: borrowing ProtobufArena, payloadSize: Int) {
        last = made.tail.map { ProtobufPacking(made: UnsafeMutableRawPointer($0), in: arena) }
        first = ProtobufPacking(made: UnsafeMutableRawPointer(made.head), in: arena)
        self.payloadSize = payloadSize
        // proto3 leaves an empty `bytes` field out.
        let payloadField = payloadSize == 0 ? 0 : 1 + ProtobufVarint.length(of: payloadSize) + payloadSize
        size = first.size + payloadField + (last?.size ?? 0)
    }

    /// Adds `entry` to the envelope struct's `metadata`, in key order as the generated code sorts
    /// the map (byte order, which is Swift's order for the ASCII keys of metadata).
    fileprivate static func add(
        _ entry: (key: String, value: String),
        to envelope: UnsafeMutablePointer<Fengqiao__Rpc__V1__Envelope>,
        in arena: ProtobufArena
    ) throws {
        let noted = arena._stringsWithNULCount
        let item = arena.allocate(Fengqiao__Rpc__V1__Envelope__MetadataEntry.self)
        fengqiao__rpc__v1__envelope__metadata_entry__init(item)
        if !entry.key.isEmpty { item.pointee.key = arena.string(entry.key) }
        if !entry.value.isEmpty { item.pointee.value = arena.string(entry.value) }
        guard arena._stringsWithNULCount == noted else {
            throw ProtobufEncodingError(code: .nulInString, messageName: RPCV1.Envelope.protoMessageName, field: "metadata")
        }
        typealias Entry = UnsafeMutablePointer<Fengqiao__Rpc__V1__Envelope__MetadataEntry>?
        let count = envelope.pointee.n_metadata
        let entries = arena.allocate(byteCount: MemoryLayout<Entry>.stride * (count + 1)).bindMemory(to: Entry.self, capacity: count + 1)
        var position = 0
        for index in 0..<count {
            let existing = envelope.pointee.metadata[index]
            if position == index, let key = existing?.pointee.key, let newKey = item.pointee.key, strcmp(newKey, key) < 0 {
                entries[position] = item
                position += 1
            }
            entries[position] = existing
            position += 1
        }
        if position == count { entries[position] = item }
        envelope.pointee.metadata = entries
        envelope.pointee.n_metadata = count + 1
    }
}

extension RPCV1.Envelope {
    /// The number of the `payload` field.
    static let payloadField: UInt32 = 6
    /// The `payload` field's tag: its number and wire type 2 (length-delimited).
    static let payloadTag = UInt8(payloadField << 3 | 2)
    /// The number of the `status` field.
    static let statusField: UInt32 = 7
}
