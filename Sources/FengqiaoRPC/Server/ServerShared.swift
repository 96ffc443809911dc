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

    /// Runs the call through the interceptors and the method's route (or UNIMPLEMENTED).
    ///
    /// With no interceptors the route is called directly: no chain of closures per call.
    func respond(
        to request: ServerRequest,
        context: ServerContext,
        responder: CallResponder
    ) async throws -> ServerResponse {
        let route = router.routes[request.method]
        if interceptors.isEmpty, let route {
            return try await route(request, context, responder)
        }
        return try await chain(route: route, responder: responder)(request, context)
    }

    /// The interceptors wrapped around `route` (or around UNIMPLEMENTED when it is `nil`).
    private func chain(route: RPCRouter.Route?, responder: CallResponder) -> ServerInterceptor.Next {
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
