import NIOCore
import NIOEmbedded
import Testing

@testable import FengqiaoRPC

@Suite("Flush coalescer")
struct FlushCoalescerTests {
    static func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(FlushCoalescer())
        return channel
    }

    static func frame(_ n: Int) -> ByteBuffer {
        ByteBuffer(bytes: [UInt8(n)])
    }

    /// Every frame that reached the socket so far, in order, as the numbers written.
    static func sent(_ channel: EmbeddedChannel) throws -> [Int] {
        var sent: [Int] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            sent.append(contentsOf: buffer.readableBytesView.map(Int.init))
        }
        return sent
    }

    @Test("flushes asked for in one pass of the event loop go out together, after it")
    func flushesWaitForThePass() throws {
        let channel = try Self.channel()
        for n in 1...3 { channel.writeAndFlush(Self.frame(n), promise: nil) }
        #expect(try Self.sent(channel) == [])
        channel.embeddedEventLoop.run()
        #expect(try Self.sent(channel) == [1, 2, 3])
        _ = try channel.finish()
    }

    @Test("the frame that fills a batch goes out at once with those before it")
    func aFullBatchGoesAtOnce() throws {
        let channel = try Self.channel()
        let batch = FlushCoalescer.maximumBatch
        for n in 1..<batch { channel.writeAndFlush(Self.frame(n), promise: nil) }
        #expect(try Self.sent(channel) == [])
        channel.writeAndFlush(Self.frame(batch), promise: nil)
        #expect(try Self.sent(channel) == Array(1...batch))
        // The next frame starts a new batch and waits for the pass again.
        channel.writeAndFlush(Self.frame(batch + 1), promise: nil)
        #expect(try Self.sent(channel) == [])
        channel.embeddedEventLoop.run()
        #expect(try Self.sent(channel) == [batch + 1])
        _ = try channel.finish()
    }

    @Test("a close flushes what was written before it")
    func closeFlushes() throws {
        let channel = try Self.channel()
        channel.writeAndFlush(Self.frame(9), promise: nil)
        channel.close(promise: nil)
        #expect(try Self.sent(channel) == [9])
    }
}
