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
            EnvelopeFrameHandler(maximumFrameLength: maximumFrameLength)
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

    @Test("frames cut into reads of random sizes all decode, in order", arguments: [7, 99, 2026])
    func randomReadSizes(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        for _ in 0..<20 {
            // Empty, small and large frames; reads from 1 byte to several frames long.
            let envelopes = (0..<Int.random(in: 1...12, using: &random)).map { index -> RPCV1.Envelope in
                let size = [0, 1, 40, 700, 5000].randomElement(using: &random)!
                return size == 0 ? RPCV1.Envelope() : Self.request(UInt64(index + 1), text: String(repeating: "路", count: size / 3))
            }
            let stream = try envelopes.flatMap(Self.frame)
            let channel = try Self.channel(maximumFrameLength: 1 << 20)
            var position = 0
            while position < stream.count {
                let end = min(stream.count, position + Int.random(in: 1...12_000, using: &random))
                try channel.writeInbound(ByteBuffer(bytes: stream[position..<end]))
                position = end
            }
            for envelope in envelopes {
                #expect(try channel.readInbound(as: InboundEnvelope.self)?.wholeEnvelope == envelope)
            }
            #expect(try channel.readInbound(as: InboundEnvelope.self) == nil)
            #expect(try channel.finish().isClean)
        }
    }

    /// The address range of a buffer's readable bytes.
    static func addresses(of buffer: ByteBuffer) -> Range<UInt> {
        buffer.withUnsafeReadableBytes { bytes in
            let start = UInt(bitPattern: bytes.baseAddress)
            return start..<(start + UInt(bytes.count))
        }
    }

    @Test("a frame within one read keeps its payload in that read's bytes; one across reads gets bytes of its own")
    func payloadsAreViewsOfTheRead() throws {
        let envelopes = [
            Self.request(1, text: "第一"),
            Self.request(2, text: String(repeating: "二", count: 300)),
            Self.request(3, text: "第三"),
        ]
        let frames = try envelopes.map(Self.frame)
        let channel = try Self.channel()
        // The first frame and the second's first 100 bytes in one read; the rest of the second
        // and the whole third in another.
        let read = ByteBuffer(bytes: frames[0] + frames[1].prefix(100))
        let rest = ByteBuffer(bytes: frames[1].dropFirst(100) + frames[2])
        try channel.writeInbound(read)
        try channel.writeInbound(rest)
        var received: [InboundEnvelope] = []
        while let envelope = try channel.readInbound(as: InboundEnvelope.self) {
            received.append(envelope)
        }
        #expect(received.map(\.wholeEnvelope) == envelopes)
        try #require(received.count == 3)
        let readRange = Self.addresses(of: read)
        let restRange = Self.addresses(of: rest)
        let payloads = received.map { Self.addresses(of: $0.payload) }
        #expect(readRange.contains(payloads[0].lowerBound) && readRange.contains(payloads[0].upperBound - 1))
        #expect(!readRange.contains(payloads[1].lowerBound) && !restRange.contains(payloads[1].lowerBound))
        #expect(restRange.contains(payloads[2].lowerBound) && restRange.contains(payloads[2].upperBound - 1))
        #expect(try channel.finish().isClean)
    }

    @Test("after an error nothing more is decoded")
    func nothingAfterAnError() throws {
        let channel = try Self.channel()
        #expect(throws: FrameError(code: .malformedEnvelope)) {
            try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 2, 0x0F, 0x01]))
        }
        try channel.writeInbound(ByteBuffer(bytes: try Self.frame(Self.request(5))))
        #expect(try channel.readInbound(as: InboundEnvelope.self) == nil)
        // Nor is the end of the connection then a truncated frame.
        #expect(try channel.finish().isClean)
    }

    @Test("seeded random bytes in random reads never crash the handler, and nothing follows an error", arguments: [5, 17, 2026])
    func randomBytesThroughTheHandler(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        for _ in 0..<100 {
            // Sometimes a valid frame first, then damaged or random bytes, in reads of 1 to 64 bytes.
            var bytes = Bool.random(using: &random) ? try Self.frame(Self.request(1)) : []
            bytes += (0..<Int.random(in: 0..<400, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            if Bool.random(using: &random), bytes.count > 8 {
                let length = UInt32(Int.random(in: 0..<(bytes.count - 4), using: &random))
                bytes.replaceSubrange(0..<4, with: [0, 0, UInt8(length >> 8), UInt8(length & 0xFF)])
            }
            let channel = try Self.channel(maximumFrameLength: 512)
            var failed = false
            var position = 0
            while position < bytes.count {
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &random))
                do {
                    try channel.writeInbound(ByteBuffer(bytes: bytes[position..<end]))
                } catch is FrameError {
                    #expect(!failed, "a second error after the first")
                    failed = true
                }
                position = end
                if failed {
                    // Whatever was decoded before the error stays; nothing is decoded after it.
                    while try channel.readInbound(as: InboundEnvelope.self) != nil {}
                }
            }
            if failed {
                try channel.writeInbound(ByteBuffer(bytes: try Self.frame(Self.request(2))))
                #expect(try channel.readInbound(as: InboundEnvelope.self) == nil)
            }
            _ = try? channel.finish()
        }
    }
}
