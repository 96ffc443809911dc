/// How one client call is made: its deadline, metadata, and whether it may be retried.
///
/// ```swift
/// let unit = try await registry.getUnit(request, CallOptions(timeout: .seconds(2)))
/// let next = try await registry.getUnit(request, CallOptions(deadline: context.deadline))  // pass on
/// ```
public struct CallOptions: Sendable {
    /// How long the call may take, counted from when it starts.
    public var timeout: Duration?
    /// The instant the call must be over, such as a server handler's `context.deadline`.
    public var deadline: ContinuousClock.Instant?
    /// Metadata sent with the request (`request-id`, `idempotency-key`, `authorization`).
    public var metadata: [String: String]
    /// Whether the call changes nothing, so it may be retried on `UNAVAILABLE`. A call carrying
    /// an `idempotency-key` is retried too.
    public var isIdempotent: Bool

    /// Creates options; without a timeout or deadline the client's default timeout applies.
    public init(
        timeout: Duration? = nil,
        deadline: ContinuousClock.Instant? = nil,
        metadata: [String: String] = [:],
        isIdempotent: Bool = false
    ) {
        self.timeout = timeout
        self.deadline = deadline
        self.metadata = metadata
        self.isIdempotent = isIdempotent
    }

    /// The earlier of ``deadline`` and now plus ``timeout`` (or `fallback`), or `nil` for none.
    func effectiveDeadline(fallback: Duration?) -> ContinuousClock.Instant? {
        let fromTimeout = (timeout ?? (deadline == nil ? fallback : nil)).map { ContinuousClock.now + $0 }
        switch (deadline, fromTimeout) {
        case (let a?, let b?): return min(a, b)
        case (let a?, nil): return a
        case (nil, let b?): return b
        case (nil, nil): return nil
        }
    }

    /// Whether a failure with `UNAVAILABLE` may be retried.
    var isRetryable: Bool {
        isIdempotent || metadata[RPCMetadataKey.idempotencyKey] != nil
    }
}
