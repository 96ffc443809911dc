import FengqiaoDomain
import FengqiaoProtobuf
import FengqiaoRPC
import NIOCore
import NIOEmbedded
import Testing

@Suite("Frame decoder")
struct EnvelopeFrameDecoderTests {
    static func request(_ id: UInt64, text: String = "hello") -> RPCV1.Envelope {
        RPCV1.Envelope(
            kind: .request,
            callID: id,
            method: "/fengqiao.testing.v1.Echo/Echo",
            metadata: ["request-id": "r\(id)"],
            timeoutMs: 250,
            payload: Array(text.utf8)
        )
    }

    static func frame(_ envelope: RPCV1.Envelope) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try buffer.writeEnvelopeFrame(envelope)
        return Array(buffer.readableBytesView)
    }

    static func channel(maximumFrameLength: Int = 1024) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            ByteToMessageHandler(EnvelopeFrameDecoder(maximumFrameLength: maximumFrameLength))
        )
        return channel
    }

    @Test("a frame split at every byte boundary decodes once")
    func splitAtEveryBoundary() throws {
        let bytes = try Self.frame(Self.request(7))
        for split in 0...bytes.count {
            let channel = try Self.channel()
            try channel.writeInbound(ByteBuffer(bytes: bytes[0..<split]))
            if split < bytes.count {
                #expect(try channel.readInbound(as: InboundEnvelope.self)?.wholeEnvelope == nil)
            }
            try channel.writeInbound(ByteBuffer(bytes: bytes[split...]))
            #expect(try channel.readInbound(as: InboundEnvelope.self)?.wholeEnvelope == Self.request(7))
            #expect(try channel.finish().isClean)
        }
    }

    @Test("a frame fed one byte at a time decodes once")
    func oneByteAtATime() throws {
        let bytes = try Self.frame(Self.request(9))
        let channel = try Self.channel()
        for byte in bytes {
            #expect(try channel.readInbound(as: InboundEnvelope.self)?.wholeEnvelope == nil)
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
        }
        #expect(try channel.readInbound(as: InboundEnvelope.self)?.wholeEnvelope == Self.request(9))
        #expect(try channel.finish().isClean)
    }

    @Test("many frames in one read decode in order", arguments: [1, 2, 50])
    func manyFramesInOneRead(count: Int) throws {
        let channel = try Self.channel()
        let bytes = try (1...count).flatMap { try Self.frame(Self.request(UInt64($0), text: "t\($0)")) }
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        for id in 1...count {
            #expect(try channel.readInbound(as: InboundEnvelope.self)?.wholeEnvelope == Self.request(UInt64(id), text: "t\(id)"))
        }
        #expect(try channel.finish().isClean)
    }

    @Test("an empty frame is an envelope with every field at its default")
    func emptyFrame() throws {
        let channel = try Self.channel()
        try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 0]))
        #expect(try channel.readInbound(as: InboundEnvelope.self)?.wholeEnvelope == RPCV1.Envelope())
        #expect(try channel.finish().isClean)
    }

    @Test("a length over the limit is refused before its body arrives",
          arguments: [(UInt32(1025), 1024), (UInt32.max, 1024), (UInt32(4 * 1024 * 1024 + 1), 4 * 1024 * 1024)])
    func oversizedLength(length: UInt32, limit: Int) throws {
        let channel = try Self.channel(maximumFrameLength: limit)
        var header = ByteBuffer()
        header.writeInteger(length, endianness: .big)
        #expect(throws: FrameError(code: .frameTooLarge, length: Int(length), limit: limit)) {
            try channel.writeInbound(header)
        }
        _ = try? channel.finish()
    }

    /// A TLS ClientHello starts 16 03 01, an alert 15 03 03: read as a length, far over any limit.
    @Test(
        "a length that is the start of a TLS record says so",
        arguments: [
            ([0x16, 0x03, 0x01, 0x02], true),  // ClientHello, as a plain-TCP server reads it
            ([0x15, 0x03, 0x03, 0x00], true),  // an alert, as a plain-TCP client of a TLS server reads it
            ([0x16, 0x02, 0x01, 0x02], false),
            ([0x7F, 0xFF, 0xFF, 0xFF], false),
        ] as [([UInt8], Bool)])
    func tlsRecordAsLength(header: [UInt8], isTLS: Bool) throws {
        let channel = try Self.channel()
        do {
            try channel.writeInbound(ByteBuffer(bytes: header))
            Issue.record("a length over the limit was accepted")
        } catch let error as FrameError {
            #expect(error.code == .frameTooLarge)
            #expect(error.description.hasSuffix("the bytes look like TLS: is TLS on at one end only?") == isTLS)
        }
        _ = try? channel.finish()
    }

    @Test("a frame at exactly the limit is accepted")
    func frameAtLimit() throws {
        let envelope = Self.request(1, text: String(repeating: "x", count: 100))
        let bytes = try Self.frame(envelope)
        let channel = try Self.channel(maximumFrameLength: bytes.count - 4)
        try channel.writeInbound(ByteBuffer(bytes: bytes))
        #expect(try channel.readInbound(as: InboundEnvelope.self)?.wholeEnvelope == envelope)
        #expect(try channel.finish().isClean)
    }

    @Test("a connection closing mid-frame is a truncated frame", arguments: [1, 3, 4, 10])
    func truncatedFrame(keep: Int) throws {
        let bytes = try Self.frame(Self.request(3))
        let channel = try Self.channel()
        try channel.writeInbound(ByteBuffer(bytes: bytes.prefix(keep)))
        #expect(throws: FrameError(code: .truncatedFrame)) {
            _ = try channel.finish()
        }
    }

    @Test("bytes that are not an envelope are a malformed envelope")
    func malformedEnvelope() throws {
        let channel = try Self.channel()
        // Field 1 (kind) with wire type 7, which does not exist.
        #expect(throws: FrameError(code: .malformedEnvelope)) {
            try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 2, 0x0F, 0x01]))
        }
        _ = try? channel.finish()
    }

    @Test("an envelope whose metadata holds U+0000 is a malformed envelope")
    func metadataWithNUL() throws {
        let channel = try Self.channel()
        // kind REQUEST (08 01); metadata, field 4 LEN (22), one entry of 6 bytes: key "k" (0A 01 6B),
        // value U+0000 (12 01 00). 10 bytes in all.
        let envelope: [UInt8] = [0x08, 0x01, 0x22, 0x06, 0x0A, 0x01, 0x6B, 0x12, 0x01, 0x00]
        #expect(throws: FrameError(code: .malformedEnvelope)) {
            try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 10] + envelope))
        }
        _ = try? channel.finish()
    }

    @Test("seeded random input never crashes or hangs the decoder", arguments: [1, 2, 3, 42, 2026])
    func randomInput(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        for _ in 0..<500 {
            var decoder = EnvelopeFrameDecoder(maximumFrameLength: 512)
            let count = Int.random(in: 0..<300, using: &random)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if Bool.random(using: &random), bytes.count >= 4 {
                // Plausible length prefixes reach the envelope decoder more often.
                let length = UInt32(bytes.count - 4)
                bytes.replaceSubrange(0..<4, with: [0, 0, UInt8(length >> 8), UInt8(length & 0xFF)])
            }
            var buffer = ByteBuffer(bytes: bytes)
            var steps = 0
            while steps < 1000 {
                steps += 1
                do {
                    guard try decoder.decodeEnvelope(from: &buffer) != nil else { break }
                } catch {
                    break
                }
            }
            #expect(steps < 1000)
        }
    }
}
