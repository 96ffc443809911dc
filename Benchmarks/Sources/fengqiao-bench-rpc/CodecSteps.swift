import ArgumentParser
import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import NIOCore

/// Times the codec's steps of one echo call, each alone in a loop on one thread: what a call's
/// encoding and decoding cost before any network or task is involved.
struct CodecSteps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec",
        abstract: "Times each codec step of an echo call (nanoseconds per step, one thread)."
    )

    @Option(help: "Encoded request sizes in bytes, comma-separated.")
    var payloads = "100,10240"

    @Option(help: "Iterations per step.")
    var iterations = 200_000

    @Option(help: "Only the steps whose name contains this.")
    var only: String?

    func run() throws {
        print("| payload | step | ns |")
        print("|---:|---|---:|")
        for size in payloads.split(separator: ",").compactMap({ Int($0) }) {
            let request = Payload.request(encodedSize: size)
            let response = TestingV1.EchoResponse(text: request.text, fields: request.fields)
            var envelope = RPCV1.Envelope()
            envelope.kind = .request
            envelope.callID = 12345
            envelope.method = TestingV1.Echo.echo.path
            envelope.timeoutMs = 30_000
            var answer = RPCV1.Envelope()
            answer.kind = .response
            answer.callID = 12345
            let encodedRequest = try request.serializedBytes()
            var requestFrame = ByteBuffer()
            try requestFrame.writeEnvelopeFrame(envelope, payload: request)
            var answerFrame = ByteBuffer()
            try answerFrame.writeEnvelopeFrame(answer, payload: response)
            let payloadBuffer = ByteBuffer(bytes: encodedRequest)

            func step(_ name: String, _ body: () throws -> Int) rethrows {
                if let only, !name.contains(only) { return }
                var sink = 0
                for _ in 0..<(iterations / 10) { sink &+= try body() }
                let start = monotonicNanoseconds()
                for _ in 0..<iterations { sink &+= try body() }
                let ns = Double(monotonicNanoseconds() - start) / Double(iterations)
                print("| \(size) | \(name) | \(String(format: "%.0f", ns)) |\(sink == 42 ? " " : "")")
            }
            try step("message encode (serializedBytes)") { try request.serializedBytes().count }
            try step("message decode (init(serializedBytes:))") {
                try payloadBuffer.withUnsafeReadableBytes { try TestingV1.EchoRequest(serializedBytes: $0) }.text.utf8.count
            }
            try step("request frame: envelope + message (writeEnvelopeFrame)") {
                var frame = ByteBuffer()
                return try frame.writeEnvelopeFrame(envelope, payload: request)
            }
            try step("answer frame: envelope + message (writeEnvelopeFrame)") {
                var frame = ByteBuffer()
                return try frame.writeEnvelopeFrame(answer, payload: response)
            }
            try step("envelope alone encode (serializedBytes)") { try answer.serializedBytes().count }
            try step("request frame decode (EnvelopeFrameDecoder)") {
                var decoder = EnvelopeFrameDecoder()
                var buffer = requestFrame
                return try decoder.decodeEnvelope(from: &buffer)?.payload.readableBytes ?? 0
            }
            try step("answer frame decode (EnvelopeFrameDecoder)") {
                var decoder = EnvelopeFrameDecoder()
                var buffer = answerFrame
                return try decoder.decodeEnvelope(from: &buffer)?.payload.readableBytes ?? 0
            }
                    }
    }
}
