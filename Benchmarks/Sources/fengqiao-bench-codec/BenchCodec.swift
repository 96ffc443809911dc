import ArgumentParser
import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The codec's share of one unary echo call, step by step: each side's encoding and decoding of
/// the envelope frame and the message, run alone in a loop on one thread, with no network, task
/// or event loop. `scripts/bench-codec` counts each step's instructions under callgrind, which
/// this machine's noise does not touch; run directly, it prints nanoseconds per step.
///
/// A call at 100 B does: the client encodes the request frame, the server decodes it and the
/// request message and encodes the answer frame, the client decodes the answer frame and the
/// response message.
@main
struct BenchCodec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fengqiao-bench-codec",
        abstract: "Times (or, under callgrind, counts) each codec step of an echo call, on one thread."
    )

    @Option(help: "Encoded request sizes in bytes, comma-separated (at least 3 each).")
    var payloads = "100,10240"

    @Option(help: "Iterations per step.")
    var iterations = 200_000

    @Option(help: "Run only this step (\(Step.allCases.map(\.rawValue).joined(separator: ", "))) and print nothing.")
    var step: Step?

    enum Step: String, CaseIterable, ExpressibleByArgument {
        case requestFrameEncode = "request-frame-encode"
        case requestFrameDecode = "request-frame-decode"
        case messageDecode = "message-decode"
        case answerFrameEncode = "answer-frame-encode"
        case answerFrameDecode = "answer-frame-decode"
        case messageEncode = "message-encode"
    }

    func run() throws {
        let sizes = try payloads.split(separator: ",").map { item in
            guard let size = Int(item), size >= 3 else { throw ValidationError("--payloads: \(item) is not a size of at least 3") }
            return size
        }
        if step == nil {
            print("| payload | step | ns |")
            print("|---:|---|---:|")
        }
        for size in sizes {
            let fixture = try Fixture(encodedSize: size)
            for candidate in Step.allCases where step == nil || step == candidate {
                let nanoseconds = try fixture.time(candidate, iterations: iterations)
                if step == nil { print("| \(size) | \(candidate.rawValue) | \(Int(nanoseconds.rounded())) |") }
            }
        }
    }
}

/// One echo call's messages, envelopes and frames, as the suite's client and server make them.
struct Fixture {
    let request: TestingV1.EchoRequest
    let response: TestingV1.EchoResponse
    /// The request's envelope as `RPCClient` sends it: method, call id, timeout.
    let requestEnvelope: RPCV1.Envelope
    /// The answer's envelope as `RPCServer` sends it: call id, status OK, the request id.
    let answerEnvelope: RPCV1.Envelope
    let requestFrame: ByteBuffer
    let answerFrame: ByteBuffer
    let encodedRequest: ByteBuffer

    init(encodedSize size: Int) throws {
        var textLength = size - 2
        while 1 + ProtobufVarint.length(of: textLength) + textLength > size { textLength -= 1 }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        request = TestingV1.EchoRequest(text: String(decoding: (0..<textLength).map { alphabet[$0 % alphabet.count] }, as: UTF8.self))
        response = TestingV1.EchoResponse(text: request.text, fields: request.fields)
        var envelope = RPCV1.Envelope()
        envelope.kind = .request
        envelope.callID = 12_345
        envelope.method = TestingV1.Echo.echo.path
        envelope.timeoutMs = 30_000
        requestEnvelope = envelope
        var answer = RPCV1.Envelope()
        answer.kind = .response
        answer.callID = 12_345
        answer.status = RPCV1.Status(code: .ok)
        answer.metadata = [RPCMetadataKey.requestID: "3f2a9c1e-12345"]
        answerEnvelope = answer
        var frame = ByteBuffer()
        try frame.writeEnvelopeFrame(requestEnvelope, payload: request)
        requestFrame = frame
        frame = ByteBuffer()
        try frame.writeEnvelopeFrame(answerEnvelope, payload: response)
        answerFrame = frame
        encodedRequest = ByteBuffer(bytes: try request.serializedBytes())
    }

    /// Runs `step` `iterations` times; returns nanoseconds per run.
    func time(_ step: BenchCodec.Step, iterations: Int) throws -> Double {
        var sink = 0
        let start = Self.nanoseconds()
        for _ in 0..<iterations {
            sink &+= try run(step)
        }
        let elapsed = Self.nanoseconds() - start
        if sink == 42 { print("") }  // keeps the work from being optimized away
        return Double(elapsed) / Double(max(iterations, 1))
    }

    private func run(_ step: BenchCodec.Step) throws -> Int {
        switch step {
        case .requestFrameEncode:
            var buffer = ByteBufferAllocator().buffer(capacity: 256)
            return try buffer.writeEnvelopeFrame(requestEnvelope, payload: request)
        case .requestFrameDecode:
            var decoder = EnvelopeFrameDecoder()
            var buffer = requestFrame
            return try decoder.decodeEnvelope(from: &buffer)?.payload.readableBytes ?? 0
        case .messageDecode:
            return try encodedRequest.withUnsafeReadableBytes { try TestingV1.EchoRequest(serializedBytes: $0) }.text.utf8.count
        case .answerFrameEncode:
            var buffer = ByteBufferAllocator().buffer(capacity: 256)
            return try buffer.writeEnvelopeFrame(answerEnvelope, payload: response)
        case .answerFrameDecode:
            var decoder = EnvelopeFrameDecoder()
            var buffer = answerFrame
            return try decoder.decodeEnvelope(from: &buffer)?.payload.readableBytes ?? 0
        case .messageEncode:
            return try request.serializedBytes().count
        }
    }

    private static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
