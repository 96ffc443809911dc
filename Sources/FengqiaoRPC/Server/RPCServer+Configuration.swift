/// How a server listens and what it allows.
public struct RPCServerConfiguration: Sendable {
    /// The address to listen on; `127.0.0.1` for tests.
    public var host: String
    /// The port; 0 picks a free one (see ``RPCServer/listeningPort()``).
    public var port: Int
    /// The largest frame accepted, in bytes after the length prefix.
    public var maximumFrameLength: Int = RPCLimits.defaultMaximumFrameLength
    /// The most calls run at once on one connection; more get `RESOURCE_EXHAUSTED`.
    public var maximumConcurrentCallsPerConnection: Int = RPCLimits.defaultMaximumConcurrentCallsPerConnection
    /// The deadline of a call whose client sent none; `nil` for none.
    public var defaultTimeout: Duration? = .seconds(60)
    /// How long a graceful shutdown waits for calls in flight before cancelling them.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// How long a connection may stay without any inbound frame before the server closes it
    /// with GO_AWAY (`REASON_IDLE_TIMEOUT`); `nil` never closes idle connections.
    public var idleTimeout: Duration? = .seconds(300)
    /// Whether handlers run on the event loop of the connection their call came on (the default),
    /// rather than on Swift's global executor.
    ///
    /// On the event loop, a handler starts at once, in the read that brought its request, and
    /// goes on there after each suspension: taking a call, answering it and flushing the answer
    /// need no hand-over between threads and no queued task, which makes short calls cheaper; but
    /// a handler that computes for long without awaiting holds up the other connections of that
    /// loop meanwhile. Database work does
    /// not count: it runs on its connection's own thread. Set `false` for services whose handlers
    /// do heavy computation of their own.
    public var runsHandlersOnEventLoop = true
    /// TLS on every connection; `nil` (the default) for plain TCP.
    public var tls: TLS? = nil

    /// Creates a configuration listening on `host` and `port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}
