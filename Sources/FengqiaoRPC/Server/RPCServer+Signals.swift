import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RPCServer {
    /// Serves like ``run()`` until one of `signals` arrives (by default SIGTERM and SIGINT), then
    /// shuts down gracefully: GO_AWAY, no new calls, calls in flight finish within the grace period.
    ///
    /// Use this in a service's `main` unless a `ServiceGroup` owns signals.
    /// - Throws: when the address cannot be bound.
    public func runUntilSignalled(_ signals: [Int32] = [SIGTERM, SIGINT]) async throws {
        let queue = DispatchQueue(label: "fengqiao.rpc.signals")
        let sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                self.logger.info("signal received; shutting down", metadata: ["signal": "\(number)"])
                self.beginGracefulShutdown()
            }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        try await run()
    }
}
