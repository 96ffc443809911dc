import FengqiaoMessages
import FengqiaoRPC
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// The worked example of docs/PROTOCOL.md, byte for byte.
@Suite("docs/PROTOCOL.md example")
struct ProtocolExampleTests {
    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(separator: " ").compactMap { UInt8($0, radix: 16) }
    }

    static let requestHex = """
        00 00 00 3f 08 01 10 01 1a 1e 2f 66 65 6e 67 71 69 61 6f 2e 74 65 73 74 69 6e 67 2e 76 31 2e \
        45 63 68 6f 2f 45 63 68 6f 22 10 0a 0a 72 65 71 75 65 73 74 2d 69 64 12 02 72 31 28 e8 07 \
        32 04 0a 02 68 69
        """

    static let responseHex = """
        00 00 00 1e 08 02 10 01 22 10 0a 0a 72 65 71 75 65 73 74 2d 69 64 12 02 72 31 32 04 0a 02 \
        68 69 3a 00
        """

    @Test("the request envelope encodes to the documented bytes")
    func requestBytes() throws {
        let envelope = RPCV1.Envelope(
            kind: .request,
            callID: 1,
            method: "/fengqiao.testing.v1.Echo/Echo",
            metadata: ["request-id": "r1"],
            timeoutMs: 1000,
            payload: try TestingV1.EchoRequest(text: "hi").serializedBytes()
        )
        var buffer = ByteBuffer()
        try buffer.writeEnvelopeFrame(envelope)
        #expect(Array(buffer.readableBytesView) == Self.bytes(Self.requestHex))
    }

    @Test("a server answers the documented request with the documented bytes")
    func serverAnswer() async throws {
        try await withEchoServer { _, server, _ in
            let port = try await server.listeningPort()
            // Send the request, then a GO_AWAY so the server closes once it has answered.
            var goAway = ByteBuffer()
            try goAway.writeEnvelopeFrame(RPCV1.Envelope(kind: .goAway, goAway: RPCV1.GoAway(reason: .shuttingDown)))
            let envelopes = try await rawExchange(
                port: port,
                bytes: Self.bytes(Self.requestHex) + Array(goAway.readableBytesView)
            )
            let answer = try #require(envelopes.first { $0.kind == .response })
            var buffer = ByteBuffer()
            try buffer.writeEnvelopeFrame(answer)
            #expect(Array(buffer.readableBytesView) == Self.bytes(Self.responseHex))
        }
    }

    /// Adds `metadata` to every answer.
    struct AnswerMetadata: ServerInterceptor {
        let metadata: [String: String]

        func intercept(request: ServerRequest, context: ServerContext, next: Next) async throws -> ServerResponse {
            var response = try await next(request, context)
            response.metadata.merge(metadata) { _, new in new }
            return response
        }
    }

    /// The documented request's answer, as the server sent it, byte for byte.
    static func answerFrame(adding metadata: [String: String]) async throws -> ByteBuffer {
        let received = NIOLockedValueBox(ByteBuffer())
        try await withEchoServer(serverInterceptors: [AnswerMetadata(metadata: metadata)]) { _, server, _ in
            let port = try await server.listeningPort()
            var goAway = ByteBuffer()
            try goAway.writeEnvelopeFrame(RPCV1.Envelope(kind: .goAway, goAway: RPCV1.GoAway(reason: .shuttingDown)))
            let bytes = try await rawExchangeBytes(port: port, bytes: Self.bytes(Self.requestHex) + Array(goAway.readableBytesView))
            received.withLockedValue { $0 = bytes }
        }
        return received.withLockedValue { $0 }
    }

    @Test("an answer's metadata holds the request id among the handler's keys, in key order")
    func answerMetadataOrder() async throws {
        let received = try await Self.answerFrame(adding: ["z-last": "2", "a-first": "1"])
        let length = try #require(received.getInteger(at: received.readerIndex, as: UInt32.self))
        let frame = try #require(received.getSlice(at: received.readerIndex, length: 4 + Int(length)))
        // Keys sorted by hand: "a-first" < "request-id" < "z-last".
        let expected = RPCV1.Envelope(
            kind: .response, callID: 1, metadata: ["a-first": "1", "request-id": "r1", "z-last": "2"],
            payload: try TestingV1.EchoResponse(text: "hi").serializedBytes(), status: RPCV1.Status(code: .ok))
        var expectedFrame = ByteBuffer()
        try expectedFrame.writeEnvelopeFrame(expected)
        // The generated encoder sorts a map's keys; the server's frame must hold the same bytes.
        #expect(Array(frame.readableBytesView) == Array(expectedFrame.readableBytesView))
    }

    @Test("a request id the answer's metadata sets replaces the call's")
    func answerMetadataRequestID() async throws {
        var received = try await Self.answerFrame(adding: ["request-id": "mine"])
        var decoder = EnvelopeFrameDecoder()
        let decoded = try decoder.decodeEnvelope(from: &received)
        let answer = try #require(decoded)
        #expect(answer.envelope.metadata == ["request-id": "mine"])
    }
}
