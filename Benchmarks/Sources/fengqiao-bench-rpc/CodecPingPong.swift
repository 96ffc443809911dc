import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import Foundation
import NIOCore
import NIOPosix

// A diagnostic, not one of the compared systems: the ping-pong doing the work the wire's contract
// asks of every call and nothing else. With `FENGQIAO_BENCH_PING_PONG_CODEC=1` in its environment
// (the server process inherits it), the ping-pong's frames are envelopes and its payloads
// EchoRequest and EchoResponse messages, encoded and decoded by the suite's own frame codec and
// generated messages through libprotobuf-c on both sides, and the server answers each call from a
// task of its own (`Task.immediate` on the connection's event loop, as the suite's server does;
// `FENGQIAO_BENCH_PING_PONG_TASKS=0` answers in the read instead, to price the codec alone).
// What it leaves out is the runtime's bookkeeping: call table, deadlines, cancellation, request
// ids, in-flight permits, connection choice, routing. Its rate against the bare ping-pong is the
// most the suite could reach with that contract (`scripts/bench-rpc-cost --system ping-pong`).

enum CodecPingPong {
    static let isOn = ProcessInfo.processInfo.environment["FENGQIAO_BENCH_PING_PONG_CODEC"] == "1"

    static let answersFromTasks = ProcessInfo.processInfo.environment["FENGQIAO_BENCH_PING_PONG_TASKS"] != "0"

    static let method = TestingV1.Echo.echo.path

    /// Drives codec ping-pongs of `request` through the ping-pong server.
    static func load(port: Int, request: TestingV1.EchoRequest, shape: LoadShape, timing: Timing) async throws -> Measurement {
        let expected = request.text.utf8.count
        return try await PingPongConnection<InboundEnvelope>.load(
            port: port, makeFramer: { EnvelopeFrameHandler() }, shape: shape, timing: timing
        ) { connection in
            let answer = try await connection.echo(request)
            guard answer.text.utf8.count == expected else {
                throw BenchError("codec ping-pong answered \(answer.text.utf8.count) bytes of text")
            }
        }
    }

    /// The answer's frame: the request's text and fields echoed, as the benchmark's Echo service does.
    static func answer(to received: InboundEnvelope) -> ByteBuffer {
        var answer = RPCV1.Envelope()
        answer.kind = .response
        answer.callID = received.envelope.callID
        var frame = ByteBuffer()
        do {
            let request = try received.payload.withUnsafeReadableBytes { try TestingV1.EchoRequest(serializedBytes: $0) }
            try frame.writeEnvelopeFrame(answer, payload: TestingV1.EchoResponse(text: request.text, fields: request.fields))
        } catch {
            answer.status = RPCV1.Status(code: .invalidArgument, message: "request does not decode")
            frame.clear()
            _ = try? frame.writeEnvelopeFrame(answer)
        }
        return frame
    }
}

extension PingPongConnection where Answer == InboundEnvelope {
    /// Sends `request` in a request envelope as `RPCClient` does and returns the answer's message.
    func echo(_ request: TestingV1.EchoRequest) async throws -> TestingV1.EchoResponse {
        var envelope = RPCV1.Envelope()
        envelope.kind = .request
        envelope.callID = makeCallID()
        envelope.method = CodecPingPong.method
        envelope.timeoutMs = 30_000
        var frame = ByteBuffer()
        try frame.writeEnvelopeFrame(envelope, payload: request)
        let answer = try await call(frame)
        if let status = answer.envelope.status, status.code != .ok {
            throw BenchError("codec ping-pong answered \(status.code): \(status.message)")
        }
        return try answer.payload.withUnsafeReadableBytes { try TestingV1.EchoResponse(serializedBytes: $0) }
    }
}
