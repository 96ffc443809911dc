import NIOCore
import Synchronization

extension ChannelPipeline.SynchronousOperations {
    /// Adds framing and envelope decoding (senders write frames they encoded themselves) and,
    /// when `idleTimeout` is set, the watch for reads: an `IdleStateEvent` after that long without
    /// one, which the idle-connection closer acts on when `activity` is given (the server; it
    /// spares connections with calls in `activity`) and the next handler otherwise (the client's
    /// keepalive PING).
    func addRPCHandlers(maximumFrameLength: Int, idleTimeout: Duration?, activity: CallActivity? = nil) throws {
        if let idleTimeout {
            // Ahead of the frame decoder: it notes each read from the socket, not each frame.
            try addHandler(IdleStateHandler(readTimeout: TimeAmount(idleTimeout)))
        }
        try addHandler(FlushCoalescer())
        try addHandler(EnvelopeFrameHandler(maximumFrameLength: maximumFrameLength))
        if idleTimeout != nil, let activity {
            try addHandler(IdleConnectionCloser(activity: activity))
        }
    }
}

/// Turns the flushes asked for while the event loop works through its queued tasks into one,
/// or into one per ``maximumBatch`` frames.
///
/// Calls start (client) and answer (server) from many tasks at once, each with its own
/// `writeAndFlush`. The first flush is put off to a task queued behind the writes already waiting,
/// so the frames written meanwhile leave in one system call instead of one each. Once
/// ``maximumBatch`` frames wait, they go at once: with many calls in flight the peer starts on the
/// first ones while the rest are still being written, instead of both ends taking turns with one
/// large batch each. A close flushes first, so a frame written before it is never dropped for lack
/// of a flush.
final class FlushCoalescer: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Frames written since the last flush after which a flush goes out at once.
    static let maximumBatch = 16

    private var flushPending = false
    private var framesPending = 0

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        framesPending += 1
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        if framesPending >= Self.maximumBatch {
            flushNow(context: context)
            return
        }
        guard !flushPending else { return }
        flushPending = true
        context.eventLoop.assumeIsolated().execute {
            if self.flushPending { self.flushNow(context: context) }
        }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if flushPending { flushNow(context: context) }
        context.close(mode: mode, promise: promise)
    }

    private func flushNow(context: ChannelHandlerContext) {
        flushPending = false
        framesPending = 0
        context.flush()
    }
}

/// How many calls a server connection is running, shared with its idle-connection closer.
final class CallActivity: Sendable {
    private let count = Atomic<Int>(0)

    func add(_ delta: Int) {
        count.add(delta, ordering: .relaxed)
    }

    var isBusy: Bool { count.load(ordering: .relaxed) > 0 }
}

/// Closes a connection with GO_AWAY (`REASON_IDLE_TIMEOUT`) when nothing was read for the idle
/// time and no call is running on it.
final class IdleConnectionCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = InboundEnvelope
    typealias InboundOut = InboundEnvelope

    let activity: CallActivity

    init(activity: CallActivity) {
        self.activity = activity
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            guard !activity.isBusy else { return }
            let goAway = ServerConnection.goAway(.idleTimeout, lastCallID: 0, message: "connection idle")
            let channel = context.channel
            context.writeEnvelope(goAway).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow {
            self = .nanoseconds(seconds < 0 ? .min : .max)
        } else {
            self = .nanoseconds(nanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
        }
    }
}
