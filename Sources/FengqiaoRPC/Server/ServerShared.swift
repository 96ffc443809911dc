import FengqiaoProtobuf
import Logging
import NIOConcurrencyHelpers

/// What every connection of a server shares: configuration, routes, interceptors, logger.
final class ServerShared: Sendable {
    let configuration: RPCServerConfiguration
    let router: RPCRouter
    let interceptors: [any ServerInterceptor]
    let logger: Logger
    private let streamingPaths: Set<String>
    private let requestCounter = NIOLockedValueBox<UInt64>(0)
    private let prefix: String

    init(configuration: RPCServerConfiguration, router: RPCRouter, interceptors: [any ServerInterceptor], logger: Logger) {
        self.configuration = configuration
        self.router = router
        self.interceptors = interceptors
        self.logger = logger
        self.streamingPaths = Set(router.services.flatMap { $0.methods.filter(\.isServerStreaming).map(\.path) })
        self.prefix = String(UInt64.random(in: 0..<UInt64.max), radix: 36)
    }

    func isServerStreaming(_ path: String) -> Bool {
        streamingPaths.contains(path)
    }

    func makeRequestID() -> String {
        let n = requestCounter.withLockedValue { value in
            value += 1
            return value
        }
        return "\(prefix)-\(n)"
    }

    /// The interceptors wrapped around the method's route (or around UNIMPLEMENTED).
    func chain(for path: String, responder: CallResponder) -> ServerInterceptor.Next {
        let route = router.routes[path]
        var next: ServerInterceptor.Next = { request, context in
            guard let route else {
                throw RPCError(.unimplemented, "unknown method")
            }
            return try await route(request, context, responder)
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
