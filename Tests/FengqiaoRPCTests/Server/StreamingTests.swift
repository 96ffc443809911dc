import FengqiaoMessages
import FengqiaoRPC
import Testing

@Suite("Server streaming over TCP")
struct StreamingTests {
    @Test("a stream delivers every message in order, then ends")
    func wholeStream() async throws {
        try await withEchoServer { echo, _, _ in
            var indexes: [UInt32] = []
            for try await message in try await echo.expand(.init(count: 25, text: "row")) {
                #expect(message.text == "row")
                indexes.append(message.index)
            }
            #expect(indexes == Array(0..<25))
        }
    }

    @Test("an empty stream ends at once")
    func emptyStream() async throws {
        try await withEchoServer { echo, _, _ in
            var count = 0
            for try await _ in try await echo.expand(.init(count: 0)) { count += 1 }
            #expect(count == 0)
        }
    }

    @Test("a slow reader keeps the producer bounded")
    func slowReader() async throws {
        let text = String(repeating: "x", count: 64 * 1024)
        let total: UInt32 = 400  // 25 MiB: more than the socket buffers hold
        try await withEchoServer(configureClient: { $0.streamBufferHighWaterMark = 4 }) { echo, _, probe in
            let stream = try await echo.expand(.init(count: total, text: text), CallOptions(timeout: .seconds(60)))
            var read = 0
            var maximumAhead = 0
            for try await _ in stream {
                read += 1
                if read <= 40 {
                    // Read slowly at first, so the producer meets the full pipe.
                    try await Task.sleep(for: .milliseconds(20))
                    maximumAhead = max(maximumAhead, probe.snapshot.produced - read)
                }
            }
            #expect(read == Int(total))
            // Socket buffers and the client's small queue hold far less than the whole stream.
            #expect(maximumAhead < 200, "producer ran \(maximumAhead) messages ahead")
        }
    }

    @Test("the stream's deadline ends it with DEADLINE_EXCEEDED")
    func streamDeadline() async throws {
        try await withEchoServer { echo, _, _ in
            // 1,000 messages 20 ms apart take 20 s; the deadline is 1.5 s. On a loaded machine the
            // deadline may even pass before the stream starts: DEADLINE_EXCEEDED either way.
            var received = 0
            await expectRPCError(.deadlineExceeded) {
                let stream = try await echo.expand(.init(count: 1000, intervalMs: 20), CallOptions(timeout: .milliseconds(1500)))
                for try await _ in stream { received += 1 }
            }
            #expect(received < 1000)
        }
    }
}
