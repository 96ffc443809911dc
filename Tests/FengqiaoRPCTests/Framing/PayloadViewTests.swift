import FengqiaoDomain
import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import NIOCore
import Testing

/// The frame writer packs the envelope around its payload and the decoder hands the payload on as
/// a view of the frame. Both are checked against libprotobuf-c packing and unpacking the whole
/// envelope at once, which is what the wire contract describes.
@Suite("Payload written and read in place")
struct PayloadViewTests {
    static let envelopes: [RPCV1.Envelope] = [
        RPCV1.Envelope(),
        RPCV1.Envelope(kind: .cancel, callID: 9),
        RPCV1.Envelope(
            kind: .request,
            callID: 7,
            method: "/fengqiao.testing.v1.Echo/Echo",
            metadata: ["request-id": "r7", "idempotency-key": "纠纷-2026-0001"],
            timeoutMs: 5000,
            payload: Array("枫桥经验".utf8)
        ),
        RPCV1.Envelope(
            kind: .response,
            callID: 8,
            metadata: ["request-id": "r8"],
            payload: [UInt8](repeating: 0x61, count: 127),
            status: RPCV1.Status(code: .ok)
        ),
        // 128 and 16,384 bytes: the payload's length takes two and then three varint bytes.
        RPCV1.Envelope(kind: .response, callID: 9, payload: [UInt8](repeating: 0, count: 128), status: RPCV1.Status(code: .ok)),
        RPCV1.Envelope(kind: .streamMessage, callID: 10, payload: (0..<16_384).map { UInt8(truncatingIfNeeded: $0) }),
        RPCV1.Envelope(
            kind: .endOfStream,
            callID: 11,
            status: RPCV1.Status(
                code: .invalidArgument,
                message: "请求有误",
                fieldViolations: [RPCV1.FieldViolation(field: "text", description: "must not be empty")]
            )
        ),
        RPCV1.Envelope(kind: .goAway, goAway: RPCV1.GoAway(reason: .shuttingDown, lastCallID: 12, message: "bye")),
        RPCV1.Envelope(kind: .pong, callID: 1, payload: [1, 2, 3], status: RPCV1.Status(code: .ok), goAway: RPCV1.GoAway(lastCallID: 3)),
        // Strings over 1 KiB, which protobuf-c reads in place, before the payload and after it.
        RPCV1.Envelope(
            kind: .endOfStream,
            callID: 12,
            method: "/" + String(repeating: "m", count: 1_500),
            metadata: ["note": String(repeating: "枫", count: 600)],
            payload: [7],
            status: RPCV1.Status(code: .internal, message: String(repeating: "桥", count: 700))
        ),
    ]

    @Test("a frame holds the bytes of protobuf-c packing the whole envelope", arguments: envelopes)
    func frameMatchesWholePack(envelope: RPCV1.Envelope) throws {
        var buffer = ByteBuffer()
        let written = try buffer.writeEnvelopeFrame(envelope)
        let whole = try envelope.serializedBytes()
        let length = UInt32(whole.count)
        let expected = [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)] + whole
        #expect(Array(buffer.readableBytesView) == expected)
        #expect(written == expected.count)
    }

    @Test("a message packed straight into a frame gives the bytes of packing it first", arguments: [0, 1, 100, 10_240])
    func messageStraightIntoFrame(textLength: Int) throws {
        let message = TestingV1.EchoResponse(text: String(repeating: "枫", count: textLength))
        let envelope = RPCV1.Envelope(kind: .response, callID: 3, metadata: ["request-id": "r3"], status: RPCV1.Status(code: .ok))
        var straight = ByteBuffer()
        try straight.writeEnvelopeFrame(envelope, payload: message)
        var withPayload = envelope
        withPayload.payload = try message.serializedBytes()
        var packedFirst = ByteBuffer()
        try packedFirst.writeEnvelopeFrame(withPayload)
        #expect(straight == packedFirst)
        #expect(Array(straight.readableBytesView.dropFirst(4)) == (try withPayload.serializedBytes()))
    }

    @Test("a frame with long strings in the envelope and the message decodes to both")
    func longStringsIntoFrame() throws {
        let message = TestingV1.EchoResponse(text: String(repeating: "枫桥", count: 3_000))
        let envelope = RPCV1.Envelope(
            kind: .response, callID: 4, metadata: ["note": String(repeating: "经验", count: 1_000)],
            status: RPCV1.Status(code: .ok, message: String(repeating: "x", count: 2_000)))
        var frame = ByteBuffer()
        try frame.writeEnvelopeFrame(envelope, payload: message)
        var decoder = EnvelopeFrameDecoder()
        let inbound = try #require(try decoder.decodeEnvelope(from: &frame))
        var expected = envelope
        expected.payload = try message.serializedBytes()
        #expect(inbound.wholeEnvelope == expected)
        #expect(try TestingV1.EchoResponse(serializedBytes: inbound.payload.readableBytesView) == message)
    }

    @Test("a message holding U+0000 is refused and nothing is written")
    func messageWithNUL() throws {
        var buffer = ByteBuffer(bytes: [9])
        #expect(throws: ProtobufEncodingError.self) {
            try buffer.writeEnvelopeFrame(RPCV1.Envelope(kind: .response), payload: TestingV1.EchoResponse(text: "a\u{0}b"))
        }
        #expect(Array(buffer.readableBytesView) == [9])
    }

    @Test("a decoded frame's payload is the envelope's, and the rest is as protobuf-c unpacks it", arguments: envelopes)
    func decodedMatchesWholeUnpack(envelope: RPCV1.Envelope) throws {
        var buffer = ByteBuffer()
        try buffer.writeEnvelopeFrame(envelope)
        var decoder = EnvelopeFrameDecoder()
        let inbound = try #require(try decoder.decodeEnvelope(from: &buffer))
        #expect(Array(inbound.payload.readableBytesView) == envelope.payload)
        #expect(inbound.envelope.payload.isEmpty)
        #expect(inbound.wholeEnvelope == envelope)
        #expect(buffer.readableBytes == 0)
    }

    @Test("a payload given twice reads as its last value, as protobuf-c keeps it")
    func repeatedPayloadKeepsLast() throws {
        // kind REQUEST (08 01), payload "ab" (32 02 61 62), call id 5 (10 05), payload "c" (32 01 63).
        let bytes: [UInt8] = [0x08, 0x01, 0x32, 0x02, 0x61, 0x62, 0x10, 0x05, 0x32, 0x01, 0x63]
        let whole = try RPCV1.Envelope(serializedBytes: bytes)
        #expect(whole.payload == [0x63])
        var decoder = EnvelopeFrameDecoder()
        var frame = ByteBuffer(bytes: [0, 0, 0, UInt8(bytes.count)] + bytes)
        let inbound = try #require(try decoder.decodeEnvelope(from: &frame))
        #expect(inbound.wholeEnvelope == whole)
        #expect(inbound.envelope.callID == 5)
    }

    @Test("an empty status, alone or with a full one, reads as protobuf-c unpacks it", arguments: [
        // kind RESPONSE (08 02), status empty (3A 00), call id 5 (10 05), status code 5 (3A 02 08 05), status empty.
        [0x08, 0x02, 0x3A, 0x00, 0x10, 0x05, 0x3A, 0x02, 0x08, 0x05, 0x3A, 0x00],
        // The same with the full status last.
        [0x08, 0x02, 0x3A, 0x00, 0x10, 0x05, 0x3A, 0x02, 0x08, 0x05],
        // Only an empty status: an OK answer.
        [0x08, 0x02, 0x10, 0x05, 0x3A, 0x00],
        // An empty status, then a payload and nothing else.
        [0x3A, 0x00, 0x32, 0x01, 0x61],
    ] as [[UInt8]])
    func emptyStatusMerges(bytes: [UInt8]) throws {
        let whole = try RPCV1.Envelope(serializedBytes: bytes)
        #expect(whole.status != nil)
        var decoder = EnvelopeFrameDecoder()
        var frame = ByteBuffer(bytes: [0, 0, 0, UInt8(bytes.count)] + bytes)
        let inbound = try #require(try decoder.decodeEnvelope(from: &frame))
        #expect(inbound.wholeEnvelope == whole)
    }

    @Test("a payload tagged with another wire type is refused, as protobuf-c refuses it")
    func payloadWithWrongWireType() throws {
        // kind REQUEST, then field 6 as a varint (30 01).
        let bytes: [UInt8] = [0x08, 0x01, 0x30, 0x01]
        #expect(throws: ProtobufDecodingError.self) { try RPCV1.Envelope(serializedBytes: bytes) }
        var decoder = EnvelopeFrameDecoder()
        var frame = ByteBuffer(bytes: [0, 0, 0, UInt8(bytes.count)] + bytes)
        #expect(throws: FrameError(code: .malformedEnvelope)) { try decoder.decodeEnvelope(from: &frame) }
    }

    /// Valid frames with some bytes changed: the decoder accepts exactly what protobuf-c's unpack
    /// of the whole envelope accepts, and reads the same envelope from it.
    @Test("seeded damaged envelopes decode as protobuf-c unpacks them whole", arguments: [1, 7, 2026] as [UInt64])
    func damagedEnvelopesAgree(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        var agreed = 0
        for round in 0..<2000 {
            var bytes = try Self.envelopes[round % Self.envelopes.count].serializedBytes()
            guard !bytes.isEmpty else { continue }
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<min(bytes.count, 64), using: &random)
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            let whole = try? RPCV1.Envelope(serializedBytes: bytes)
            var frame = ByteBuffer()
            frame.writeInteger(UInt32(bytes.count), endianness: .big)
            frame.writeBytes(bytes)
            var decoder = EnvelopeFrameDecoder(maximumFrameLength: 1 << 20)
            let split = try? decoder.decodeEnvelope(from: &frame)?.wholeEnvelope
            #expect(split == whole, "round \(round): \(bytes.prefix(64).map { String($0, radix: 16) })")
            if whole != nil { agreed += 1 }
        }
        // Enough damaged envelopes still decode for the comparison to mean something.
        #expect(agreed > 200)
    }
}
