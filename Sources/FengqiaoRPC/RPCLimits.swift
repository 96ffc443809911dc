/// Default limits of the wire protocol, shared by servers and clients.
public enum RPCLimits {
    /// The largest frame accepted by default: 4 MiB after the length prefix.
    public static let defaultMaximumFrameLength = 4 * 1024 * 1024
    /// The most calls a server runs at once on one connection by default.
    public static let defaultMaximumConcurrentCallsPerConnection = 100
}

/// Metadata keys the runtime reads or writes.
public enum RPCMetadataKey {
    /// The credential: `Bearer <token>`.
    public static let authorization = "authorization"
    /// The id tracing a call through logs; the server makes one when it is missing.
    public static let requestID = "request-id"
    /// A unique key making a retried call apply at most once.
    public static let idempotencyKey = "idempotency-key"
}
