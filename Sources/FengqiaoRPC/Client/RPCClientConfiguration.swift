/// A server replica a client may call.
public struct RPCAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host name or IP address.
    public var host: String
    /// The TCP port.
    public var port: Int

    /// Creates an address.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`.
    public var description: String { "\(host):\(port)" }
}

/// How a client connects, retries and limits itself.
public struct RPCClientConfiguration: Sendable {
    /// The replicas, used round-robin.
    public var addresses: [RPCAddress]
    /// The largest frame accepted, in bytes after the length prefix.
    public var maximumFrameLength: Int = RPCLimits.defaultMaximumFrameLength
    /// The most calls in flight at once; more wait in a queue.
    public var maximumCallsInFlight: Int = 100
    /// The timeout of a call whose options set none; `nil` for none.
    public var defaultTimeout: Duration? = .seconds(30)
    /// How long a connection attempt may take.
    public var connectTimeout: Duration = .seconds(5)
    /// The wait after the first failed connection to an address; doubled per failure.
    public var initialBackoff: Duration = .milliseconds(100)
    /// The longest wait between connection attempts to an address.
    public var maximumBackoff: Duration = .seconds(5)
    /// How many times a retryable call is tried in all.
    public var maximumAttempts: Int = 3
    /// After this long without reading anything while calls are in flight, the client sends PING.
    public var keepaliveInterval: Duration = .seconds(30)
    /// How long the client waits for PONG before it closes the connection as dead.
    public var keepaliveTimeout: Duration = .seconds(10)
    /// Messages buffered unread across a connection's streams before the client stops reading
    /// from the socket (which in turn slows the server's writer).
    public var streamBufferHighWaterMark: Int = 64
    /// TLS on every connection; `nil` (the default) for plain TCP. A failed handshake fails the
    /// call with `unavailable`, saying it was TLS and why.
    public var tls: TLS? = nil

    /// Creates a configuration for `addresses`.
    public init(addresses: [RPCAddress]) {
        self.addresses = addresses
    }
}
