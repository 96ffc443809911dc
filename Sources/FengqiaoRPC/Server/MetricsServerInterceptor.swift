import Metrics

/// Records every call a server takes with swift-metrics.
///
/// | metric | type | dimensions |
/// | --- | --- | --- |
/// | `fengqiao_rpc_server_calls_total` | counter | `service`, `method`, `code` |
/// | `fengqiao_rpc_server_errors_total` | counter (codes other than `OK`) | `service`, `method`, `code` |
/// | `fengqiao_rpc_server_duration_seconds` | timer | `service`, `method` |
/// | `fengqiao_rpc_server_in_flight` | meter | `service`, `method` |
///
/// Codes are gRPC's names (`DEADLINE_EXCEEDED`). Unknown methods count under `method` `unknown`
/// so a scanner cannot grow the number of series.
public struct MetricsServerInterceptor: ServerInterceptor {
    private let knownPaths: Set<String>
    private let factory: any MetricsFactory

    /// Creates the interceptor; `knownPaths` are the method paths recorded by name (the server's
    /// methods), every other path is recorded as `unknown`. Metrics go to `factory`, by default
    /// the one `MetricsSystem.bootstrap` installed.
    public init(knownPaths: Set<String>, factory: any MetricsFactory = MetricsSystem.factory) {
        self.knownPaths = knownPaths
        self.factory = factory
    }

    /// Creates the interceptor recording the methods of `services` and of the health service.
    public init(services: [any RPCService], factory: any MetricsFactory = MetricsSystem.factory) {
        let descriptors = services.map(\.serviceDescriptor) + [HealthV1.Health.descriptor]
        self.init(knownPaths: Set(descriptors.flatMap { $0.methods.map(\.path) }), factory: factory)
    }

    /// Records around the call.
    public func intercept(request: ServerRequest, context: ServerContext, next: Next) async throws -> ServerResponse {
        let (service, method) = Self.split(request.method, known: knownPaths)
        let dimensions = [("service", service), ("method", method)]
        let inFlight = Meter(label: "fengqiao_rpc_server_in_flight", dimensions: dimensions, factory: factory)
        inFlight.increment()
        let start = ContinuousClock.now
        defer { inFlight.decrement() }
        func record(_ code: RPCV1.Code) {
            let elapsed = ContinuousClock.now - start
            let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            Timer(label: "fengqiao_rpc_server_duration_seconds", dimensions: dimensions, factory: factory)
                .recordNanoseconds(nanoseconds)
            let withCode = dimensions + [("code", code.name)]
            Counter(label: "fengqiao_rpc_server_calls_total", dimensions: withCode, factory: factory).increment()
            if code != .ok {
                Counter(label: "fengqiao_rpc_server_errors_total", dimensions: withCode, factory: factory).increment()
            }
        }
        do {
            let response = try await next(request, context)
            record(.ok)
            return response
        } catch {
            record(ServerCall.rpcError(for: error, context: context, log: false).code)
            throw error
        }
    }

    static func split(_ path: String, known: Set<String>) -> (service: String, method: String) {
        guard known.contains(path) else { return ("unknown", "unknown") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return ("unknown", "unknown") }
        return (String(parts[0]), String(parts[1]))
    }
}
