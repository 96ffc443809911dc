import Logging
import NIOCore

/// What a handler knows about its call besides the request: the method, the request id, the
/// caller's metadata, the deadline, a logger, and what interceptors attached.
///
/// A handler that calls another service passes ``deadline`` on, so the downstream call gives up
/// when the caller would:
///
/// ```swift
/// let unit = try await registry.getUnit(request, CallOptions(deadline: context.deadline))
/// ```
public struct ServerContext: Sendable {
    /// The method's path, such as `/fengqiao.health.v1.Health/Check`.
    public let method: String
    /// The call's request id: the client's `request-id`, or one the server made.
    public let requestID: String
    /// The request's metadata, as the client sent it.
    public var metadata: [String: String]
    /// The address the call came from, when the transport knows it.
    public let peer: SocketAddress?
    /// When the call's time runs out, or `nil` without a deadline.
    public let deadline: ContinuousClock.Instant?
    /// A logger with `request.id` and `rpc.method` set.
    ///
    /// The metadata is added when the logger is first read, so a call that logs nothing does not
    /// pay for it.
    public var logger: Logger {
        get {
            guard !loggerHasCallMetadata else { return baseLogger }
            var logger = baseLogger
            logger[metadataKey: "request.id"] = "\(requestID)"
            logger[metadataKey: "rpc.method"] = "\(method)"
            return logger
        }
        set {
            baseLogger = newValue
            loggerHasCallMetadata = true
        }
    }
    /// The server's logger, before ``logger`` adds the call's metadata; or ``logger`` once set.
    private var baseLogger: Logger
    private var loggerHasCallMetadata = false
    /// The caller's identity, attached by an authentication interceptor.
    public var identity: (any Sendable)?

    /// Creates a context; the server does this for every call.
    public init(
        method: String,
        requestID: String,
        metadata: [String: String],
        deadline: ContinuousClock.Instant?,
        logger: Logger,
        peer: SocketAddress? = nil
    ) {
        self.method = method
        self.peer = peer
        self.requestID = requestID
        self.metadata = metadata
        self.deadline = deadline
        self.baseLogger = logger
    }

    /// The time left before the deadline, or `nil` without one.
    public var timeRemaining: Duration? {
        deadline.map { $0 - ContinuousClock.now }
    }
}
