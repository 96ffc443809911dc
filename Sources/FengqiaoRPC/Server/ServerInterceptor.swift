import Logging

/// Code run around every call a server takes: logging, metrics, authentication.
///
/// An interceptor may read `context.metadata`, reject the call by throwing an ``RPCError``, or
/// attach an identity to the context before calling `next`:
///
/// ```swift
/// struct Authenticate: ServerInterceptor {
///     func intercept(request: ServerRequest, context: ServerContext, next: Next) async throws -> ServerResponse {
///         guard let token = context.metadata["authorization"] else {
///             throw RPCError(.unauthenticated, "missing credential")
///         }
///         var context = context
///         context.identity = try verify(token)
///         return try await next(request, context)
///     }
/// }
/// ```
///
/// Interceptors run in the order the server lists them; the first is outermost.
public protocol ServerInterceptor: Sendable {
    /// The rest of the chain: later interceptors, then the handler.
    typealias Next = @Sendable (ServerRequest, ServerContext) async throws -> ServerResponse

    /// Runs around one call.
    func intercept(request: ServerRequest, context: ServerContext, next: Next) async throws -> ServerResponse
}

/// Logs the start and end of every call at `debug`, and failures at `info` (errors by code).
///
/// The logger metadata carries `request.id` and `rpc.method`; the message never holds payloads.
public struct LoggingServerInterceptor: ServerInterceptor {
    /// Creates the interceptor.
    public init() {}

    /// Logs around the call.
    public func intercept(request: ServerRequest, context: ServerContext, next: Next) async throws -> ServerResponse {
        let start = ContinuousClock.now
        context.logger.debug("call started")
        do {
            let response = try await next(request, context)
            context.logger.debug(
                "call finished",
                metadata: ["rpc.code": "OK", "rpc.duration": "\(ContinuousClock.now - start)"]
            )
            return response
        } catch {
            let code = ServerCall.rpcError(for: error, context: context, log: false).code
            context.logger.info(
                "call failed",
                metadata: ["rpc.code": "\(code.name)", "rpc.duration": "\(ContinuousClock.now - start)"]
            )
            throw error
        }
    }
}
