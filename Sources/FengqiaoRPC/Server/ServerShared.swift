import FengqiaoProtobuf
import Logging
import Synchronization

/// What every connection of a server shares: configuration, routes, interceptors, logger.
final class ServerShared: Sendable {
    let configuration: RPCServerConfiguration
    let interceptors: [any ServerInterceptor]
    let logger: Logger
    /// Each method's route and kind, found with one lookup per call.
    private let methods: [String: Method]
    private let requestCounter = Atomic<UInt64>(0)
    private let prefix: [UInt8]

    init(configuration: RPCServerConfiguration, router: RPCRouter, interceptors: [any ServerInterceptor], logger: Logger) {
        self.configuration = configuration
        self.interceptors = interceptors
        self.logger = logger
        let streamingPaths = Set(router.services.flatMap { $0.methods.filter(\.isServerStreaming).map(\.path) })
        var methods: [String: Method] = [:]
        for (path, route) in router.routes {
            methods[path] = Method(route: route, isServerStreaming: streamingPaths.contains(path))
        }
        self.methods = methods
        // Six characters: with the counter, an id stays within a small string's 15 bytes (no
        // allocation) for the server's first hundred million calls.
        self.prefix = Array(String(UInt64.random(in: 60_466_176..<2_176_782_336), radix: 36).utf8)
    }

    /// A method the server offers: its route, and whether it streams its answer.
    struct Method: Sendable {
        let route: RPCRouter.Route
        let isServerStreaming: Bool
    }

    /// The method at `path`, or `nil` when the server has none there.
    func method(at path: String) -> Method? {
        methods[path]
    }

    func makeRequestID() -> String {
        Self.requestID(prefix: prefix, number: requestCounter.add(1, ordering: .relaxed).newValue)
    }

    /// `prefix`, a hyphen and `number` in decimal, written straight into a buffer on the stack:
    /// half the work of an interpolation, on every call that comes without an id.
    static func requestID(prefix: [UInt8], number: UInt64) -> String {
        // At most 20 digits, the hyphen and the prefix.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefix.count + 21) { buffer in
            var start = buffer.count
            var value = number
            repeat {
                start -= 1
                buffer[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
                value /= 10
            } while value > 0
            start -= 1
            buffer[start] = UInt8(ascii: "-")
            start -= prefix.count
            for index in prefix.indices { buffer[start + index] = prefix[index] }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start...]), as: UTF8.self)
        }
    }

    /// What `received`'s call will run, made in the read that brought it; `method` is the one at
    /// its path.
    ///
    /// With no interceptors the request is decoded here, from the frame's bytes, and only the
    /// decoded message is kept: the frame's buffer is free again once the read is done. With
    /// interceptors, which see and may change the encoded request, its bytes are copied out of
    /// the frame into the ``ServerRequest`` they get.
    func prepare(_ received: InboundEnvelope, method: Method?) -> PreparedCall {
        guard interceptors.isEmpty else {
            return .intercepted(ServerRequest(method: received.envelope.method, payload: Array(received.payload.readableBytesView)))
        }
        guard let method else {
            return .failed(Self.unknownMethod)
        }
        do {
            return .direct(try received.payload.withUnsafeReadableBytes { try method.route.prepare($0) })
        } catch {
            return .failed(error)
        }
    }

    /// Runs an intercepted call: the interceptors, then the method's route (or UNIMPLEMENTED).
    nonisolated(nonsending) func intercept(
        _ request: ServerRequest,
        context: ServerContext,
        responder: CallResponder
    ) async throws -> ServerResponse {
        try await chain(route: methods[request.method]?.route, responder: responder)(request, context)
    }

    private static let unknownMethod = RPCError(.unimplemented, "unknown method")

    /// The interceptors wrapped around `route` (or around UNIMPLEMENTED when it is `nil`).
    private func chain(route: RPCRouter.Route?, responder: CallResponder) -> ServerInterceptor.Next {
        var next: ServerInterceptor.Next = { request, context in
            guard let route else {
                throw Self.unknownMethod
            }
            let handling = try request.payload.withUnsafeBytes { try route.prepare($0) }
            return try await handling(context, responder)
        }
        for interceptor in interceptors.reversed() {
            let inner = next
            next = { request, context in
                try await interceptor.intercept(request: request, context: context, next: inner)
            }
        }
        return next
    }
}

/// A call as prepared in the read that brought it; see ``ServerShared/prepare(_:)``.
enum PreparedCall: Sendable {
    /// The request decoded, its handler ready to run.
    case direct(RPCRouter.Handling)
    /// The call fails at once: an unknown method, or a request that does not decode.
    case failed(any Error)
    /// The encoded request, for the interceptors and then the route.
    case intercepted(ServerRequest)
}
