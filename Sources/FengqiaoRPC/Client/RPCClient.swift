import FengqiaoProtobuf
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A Fengqiao RPC client: calls methods on one or several replicas over shared TCP connections.
///
/// ```swift
/// let client = RPCClient(configuration: .init(addresses: [.init(host: "127.0.0.1", port: 7400)]))
/// defer { client.close() }
/// let echo = TestingV1.Echo.Client(client)
/// let answer = try await echo.echo(.init(text: "hi"), CallOptions(timeout: .seconds(1)))
/// ```
///
/// Connections open on first use and again after they close, with back-off per address; calls
/// go round-robin over the addresses. At most `maximumCallsInFlight` calls run at once; the rest
/// wait their turn. A call that fails with `UNAVAILABLE` is retried only when its options mark it
/// idempotent or it carries an `idempotency-key`.
public final class RPCClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: RPCClientConfiguration
    let slots: [ConnectionSlot]
    private let group: any EventLoopGroup
    private let permits: AsyncPermits
    private let interceptors: [any ClientInterceptor]
    private let roundRobin = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)
    /// The TLS context every connection shares, or why the TLS files cannot be used.
    private let tls: Result<NIOSSLContext, TLSFileError>?

    /// Creates a client; nothing connects until the first call.
    ///
    /// With TLS, the files are read here; when one is bad every call fails with `unavailable`
    /// naming it (``RPCClientConfiguration/TLS/validate()`` finds it beforehand).
    public init(
        configuration: RPCClientConfiguration,
        interceptors: [any ClientInterceptor] = [],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.interceptors = interceptors
        self.permits = AsyncPermits(configuration.maximumCallsInFlight)
        self.slots = configuration.addresses.map { ConnectionSlot(address: $0) }
        self.tls = configuration.tls.map { tls in Result { () throws(TLSFileError) in try tls.makeContext() } }
    }

    /// Closes every connection; calls in flight fail with `UNAVAILABLE`, and later calls too.
    public func close() {
        closed.store(true, ordering: .releasing)
        for slot in slots { slot.close() }
    }

    /// Makes a unary call.
    ///
    /// - Throws: ``RPCError`` with the server's status, `deadlineExceeded` at the deadline,
    ///   `cancelled` when the task is cancelled, `unavailable` when no replica answers, or
    ///   `invalidArgument`, without sending, when a string in the request or the metadata holds
    ///   U+0000 (the request's field violation names the field, as the server would).
    nonisolated(nonsending) public func unary<Request, Response>(
        _ method: ProtobufMethod<Request, Response>,
        _ request: Request,
        options: CallOptions = CallOptions()
    ) async throws -> Response {
        let deadline = options.effectiveDeadline(fallback: configuration.defaultTimeout)
        let payload: ByteBuffer
        if interceptors.isEmpty {
            // Packed straight into the frame, on this thread, when the call is made.
            payload = try await withRetries(options: options) {
                try await self.unaryAnswer(method: method.path, payload: .message(request), options: options, deadline: deadline)
            }
        } else {
            let encoded = try Self.encode(request)
            payload = try await withRetries(options: options) {
                let answer = try await self.intercepted(method: method.path, payload: encoded, options: options) { request in
                    var sent = options
                    sent.metadata = request.metadata
                    let answer = try await self.unaryAnswer(
                        method: request.method,
                        payload: .encoded(request.payload),
                        options: sent,
                        deadline: deadline
                    )
                    return Array(answer.readableBytesView)
                }
                return ByteBuffer(bytes: answer)
            }
        }
        do {
            // Straight from the bytes read off the socket.
            return try payload.withUnsafeReadableBytes { try Response(serializedBytes: $0) }
        } catch {
            throw RPCError(.internal, "response does not decode as \(Response.protoMessageName)")
        }
    }

    /// Starts a server-streaming call; iterate the result for its messages.
    ///
    /// - Throws: ``RPCError`` as ``unary(_:_:options:)``; the stream throws the call's final error.
    nonisolated(nonsending) public func serverStreaming<Request, Response>(
        _ method: ProtobufMethod<Request, Response>,
        _ request: Request,
        options: CallOptions = CallOptions()
    ) async throws -> RPCResponseStream<Response> {
        let deadline = options.effectiveDeadline(fallback: configuration.defaultTimeout)
        try await permits.acquire(before: deadline)
        do {
            let handle = try await withRetries(options: options) {
                try await self.startCall(method: method.path, payload: Self.encode(request), options: options, deadline: deadline)
            }
            return RPCResponseStream(handle: handle, permits: permits)
        } catch {
            permits.release()
            throw error
        }
    }

    // MARK: Internals

    /// The request's encoding; a request the codec refuses is not sent, and fails as the server
    /// would answer it.
    private static func encode(_ request: some ProtobufMessage) throws(RPCError) -> [UInt8] {
        do {
            return try request.serializedBytes()
        } catch {
            throw RPCError.unsendableRequest(error)
        }
    }

    /// Sends one unary call, within the in-flight limit, and returns the answer's payload.
    nonisolated(nonsending) private func unaryAnswer(
        method: String,
        payload: FramePayload,
        options: CallOptions,
        deadline: ContinuousClock.Instant?
    ) async throws -> ByteBuffer {
        try await permits.acquire(before: deadline)
        defer { permits.release() }
        let (envelope, connection) = try await prepareCall(method: method, options: options, deadline: deadline)
        let answer = try await connection.unary(envelope, payload: payload, deadline: deadline)
        let status = answer.envelope.status ?? RPCV1.Status(code: .internal, message: "answer without status")
        guard status.code == .ok else { throw RPCError(status: status, metadata: answer.envelope.metadata) }
        return answer.payload
    }

    private func startCall(
        method: String,
        payload: [UInt8],
        options: CallOptions,
        deadline: ContinuousClock.Instant?
    ) async throws -> ClientCallHandle {
        let (envelope, connection) = try await prepareCall(method: method, options: options, deadline: deadline)
        return try connection.start(envelope, payload: .encoded(payload), deadline: deadline)
    }

    /// The request's envelope, without its payload, and the connection to send it on.
    nonisolated(nonsending) private func prepareCall(
        method: String,
        options: CallOptions,
        deadline: ContinuousClock.Instant?
    ) async throws -> (RPCV1.Envelope, ClientConnection) {
        if let deadline, deadline <= .now {
            throw RPCError(.deadlineExceeded, "deadline exceeded before the call started")
        }
        var envelope = RPCV1.Envelope()
        envelope.kind = .request
        envelope.method = method
        envelope.metadata = options.metadata
        // A method or metadata holding U+0000 is refused when the frame is encoded (see
        // `ClientConnection.frame`), before anything is sent.
        return (envelope, try await pickConnection())
    }

    nonisolated(nonsending) private func withRetries<T>(options: CallOptions, _ body: nonisolated(nonsending) () async throws -> T) async throws -> T {
        var attempt = 1
        var backoff = configuration.initialBackoff
        while true {
            do {
                return try await body()
            } catch let error as RPCError where error.code == .unavailable {
                let notTaken = error.metadata[ClientChannelHandler.notTakenKey] != nil
                guard options.isRetryable || notTaken, attempt < configuration.maximumAttempts else { throw error }
                attempt += 1
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, configuration.maximumBackoff)
            }
        }
    }

    private func intercepted(
        method: String,
        payload: [UInt8],
        options: CallOptions,
        _ call: @escaping ClientInterceptor.Next
    ) async throws -> [UInt8] {
        var next = call
        for interceptor in interceptors.reversed() {
            let inner = next
            next = { request in try await interceptor.intercept(request: request, next: inner) }
        }
        return try await next(ClientRequest(method: method, metadata: options.metadata, payload: payload))
    }

    /// The next usable connection, round-robin over the addresses, connecting when needed.
    ///
    /// - Throws: `unavailable` naming the addresses, and saying why when TLS was the cause.
    nonisolated(nonsending) private func pickConnection() async throws -> ClientConnection {
        guard !closed.load(ordering: .acquiring), !slots.isEmpty else {
            throw RPCError(.unavailable, "client is closed or has no address")
        }
        var context: NIOSSLContext?
        switch tls {
        case .failure(let error): throw RPCError(.unavailable, "cannot use TLS: \(error)")
        case .success(let tls): context = tls
        case nil: context = nil
        }
        // Wraps around after Int.max calls, harmlessly: the remainder stays a valid index.
        let start = Int(UInt(bitPattern: roundRobin.wrappingAdd(1, ordering: .relaxed).oldValue) % UInt(slots.count))
        var failures: [(address: RPCAddress, failure: TLSFailure)] = []
        for offset in 0..<slots.count {
            let slot = slots[(start + offset) % slots.count]
            do {
                return try await slot.connection(configuration: configuration, tls: context, group: group)
            } catch let failure as TLSFailure {
                failures.append((slot.address, failure))
            } catch {
                continue
            }
        }
        let tried = slots.map(\.address.description)
        let list = tried.count <= 2 ? tried.joined(separator: " or ") : tried.dropLast().joined(separator: ", ") + " or " + tried.last!
        var message = "cannot connect to \(list)"
        if slots.count == 1, let only = failures.first {
            message += ": \(only.failure)"
        } else if !failures.isEmpty {
            message += " (" + failures.map { "\($0.address): \($0.failure)" }.joined(separator: "; ") + ")"
        }
        throw RPCError(.unavailable, message)
    }
}
