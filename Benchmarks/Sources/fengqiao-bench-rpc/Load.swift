import FengqiaoMessages
import FengqiaoProtobuf

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// How many calls are outstanding and over how many connections.
struct LoadShape: Sendable, Hashable {
    var concurrency: Int
    var connections: Int
}

/// The warm-up, then the measured window.
struct Timing: Sendable {
    var warmupNanoseconds: UInt64
    var durationNanoseconds: UInt64
}

/// What one measured window gave.
struct Measurement: Sendable {
    var calls: Int
    var callsPerSecond: Double
    /// Median latency, microseconds.
    var p50: Double
    /// 99th percentile latency, microseconds.
    var p99: Double
}

/// A monotonic clock in nanoseconds, the same for every system measured.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

enum Load {
    /// Runs `workers` tasks, each calling `call(workerIndex)` in a loop: first for the warm-up, then
    /// for the measured window. A call counts when it starts and ends inside the window.
    static func measure(
        workers: Int,
        timing: Timing,
        call: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> Measurement {
        let windowStart = monotonicNanoseconds() + timing.warmupNanoseconds
        let windowEnd = windowStart + timing.durationNanoseconds
        var latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var latencies: [UInt64] = []
                    latencies.reserveCapacity(1 << 16)
                    while true {
                        let start = monotonicNanoseconds()
                        if start >= windowEnd { break }
                        try await call(worker)
                        let end = monotonicNanoseconds()
                        if start >= windowStart && end <= windowEnd {
                            latencies.append(end - start)
                        }
                    }
                    return latencies
                }
            }
            var all: [UInt64] = []
            for try await part in group { all.append(contentsOf: part) }
            return all
        }
        guard !latencies.isEmpty else { throw BenchError("no call finished inside the measured window") }
        latencies.sort()
        func percentile(_ q: Double) -> Double {
            Double(latencies[Int((Double(latencies.count - 1) * q).rounded())]) / 1000
        }
        return Measurement(
            calls: latencies.count,
            callsPerSecond: Double(latencies.count) / (Double(timing.durationNanoseconds) / 1e9),
            p50: percentile(0.50),
            p99: percentile(0.99)
        )
    }
}

enum Payload {
    /// An EchoRequest whose encoding is exactly `size` bytes (at least 3): one tag byte, the text's
    /// length as a varint, then the text.
    static func request(encodedSize size: Int) -> TestingV1.EchoRequest {
        var textLength = size - 2
        while 1 + ProtobufVarint.length(of: textLength) + textLength > size { textLength -= 1 }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let text = String(decoding: (0..<textLength).map { alphabet[$0 % alphabet.count] }, as: UTF8.self)
        let request = TestingV1.EchoRequest(text: text)
        precondition((try? request.serializedBytes())?.count == size, "no EchoRequest encodes to exactly \(size) bytes")
        return request
    }
}
