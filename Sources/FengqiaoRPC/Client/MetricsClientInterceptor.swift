import Metrics

/// Records every unary call a client makes with swift-metrics.
///
/// | metric | type | dimensions |
/// | --- | --- | --- |
/// | `fengqiao_rpc_client_calls_total` | counter | `service`, `method`, `code` |
/// | `fengqiao_rpc_client_errors_total` | counter (codes other than `OK`) | `service`, `method`, `code` |
/// | `fengqiao_rpc_client_duration_seconds` | timer | `service`, `method` |
/// | `fengqiao_rpc_client_in_flight` | meter | `service`, `method` |
public struct MetricsClientInterceptor: ClientInterceptor {
    private let factory: any MetricsFactory

    /// Creates the interceptor; metrics go to `factory`, by default the bootstrapped one.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
    }

    /// Records around the call.
    public func intercept(request: ClientRequest, next: Next) async throws -> [UInt8] {
        let parts = request.method.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let dimensions = [("service", parts.first ?? "unknown"), ("method", parts.count == 2 ? parts[1] : "unknown")]
        let inFlight = Meter(label: "fengqiao_rpc_client_in_flight", dimensions: dimensions, factory: factory)
        inFlight.increment()
        defer { inFlight.decrement() }
        let start = ContinuousClock.now
        func record(_ code: RPCV1.Code) {
            let elapsed = ContinuousClock.now - start
            let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
            Timer(label: "fengqiao_rpc_client_duration_seconds", dimensions: dimensions, factory: factory)
                .recordNanoseconds(nanoseconds)
            let withCode = dimensions + [("code", code.name)]
            Counter(label: "fengqiao_rpc_client_calls_total", dimensions: withCode, factory: factory).increment()
            if code != .ok {
                Counter(label: "fengqiao_rpc_client_errors_total", dimensions: withCode, factory: factory).increment()
            }
        }
        do {
            let response = try await next(request)
            record(.ok)
            return response
        } catch let error as RPCError {
            record(error.code)
            throw error
        } catch {
            record(error is CancellationError ? .cancelled : .unknown)
            throw error
        }
    }
}
