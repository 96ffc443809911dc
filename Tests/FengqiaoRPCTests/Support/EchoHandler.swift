import FengqiaoMessages
import FengqiaoRPC
import NIOConcurrencyHelpers

/// Counters a test reads while the server's handlers run.
final class Probe: Sendable {
    struct Counts: Sendable {
        var started = 0
        var cancelled = 0
        var finished = 0
        var produced = 0
        var requestIDs: [String] = []
        var deadlines: [ContinuousClock.Instant?] = []
    }

    let counts = NIOLockedValueBox(Counts())

    func update(_ body: (inout Counts) -> Void) {
        counts.withLockedValue(body)
    }

    var snapshot: Counts { counts.withLockedValue { $0 } }
}

struct InternalFailure: Error {
    var secret = "database password is hunter2"
}

/// `fengqiao.testing.v1.Echo` for tests.
struct EchoHandler: TestingV1.Echo.Handler {
    let probe: Probe

    func echo(_ request: TestingV1.EchoRequest, context: ServerContext) async throws -> TestingV1.EchoResponse {
        probe.update {
            $0.requestIDs.append(context.requestID)
            $0.deadlines.append(context.deadline)
        }
        if let delay = context.metadata["test-delay-ms"].flatMap(Int.init) {
            try await Task.sleep(for: .milliseconds(delay))
        }
        if request.text == "internal" { throw InternalFailure() }
        // Requests cannot carry U+0000, so these two make the server produce it.
        if request.text == "answer with NUL" { return TestingV1.EchoResponse(text: "空\u{0}字") }
        if request.text == "fail with NUL" {
            throw RPCError(.invalidArgument, "空\u{0}字", fieldViolations: [RPCV1.FieldViolation(field: "text", description: "空\u{0}字")])
        }
        if request.failWith != .ok {
            throw RPCError(
                request.failWith,
                request.text,
                fieldViolations: [RPCV1.FieldViolation(field: "text", description: "rejected on request")]
            )
        }
        return TestingV1.EchoResponse(text: request.text, fields: request.fields)
    }

    func expand(
        _ request: TestingV1.ExpandRequest,
        writer: ServerStreamWriter<TestingV1.ExpandResponse>,
        context: ServerContext
    ) async throws {
        for index in 0..<request.count {
            try await writer.write(TestingV1.ExpandResponse(index: index, text: request.text))
            probe.update { $0.produced += 1 }
            if request.intervalMs > 0 {
                try await Task.sleep(for: .milliseconds(Int(request.intervalMs)))
            }
        }
    }

    func sleep(_ request: TestingV1.SleepRequest, context: ServerContext) async throws -> TestingV1.SleepResponse {
        probe.update { $0.started += 1 }
        let start = ContinuousClock.now
        do {
            try await Task.sleep(for: .milliseconds(Int(request.durationMs)))
        } catch {
            probe.update { $0.cancelled += 1 }
            throw error
        }
        probe.update { $0.finished += 1 }
        let slept = ContinuousClock.now - start
        return TestingV1.SleepResponse(sleptMs: UInt32(slept.components.seconds * 1000))
    }
}
