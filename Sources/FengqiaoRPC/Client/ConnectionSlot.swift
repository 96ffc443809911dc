import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// One address's connection: opened on demand, reopened after it closes, with back-off after
/// failed attempts.
final class ConnectionSlot: Sendable {
    private struct State {
        var connection: ClientConnection?
        var failures = 0
        var retryAfter: ContinuousClock.Instant?
        /// Why the last attempt failed, when it was TLS: repeated while backing off.
        var lastTLSFailure: TLSFailure?
    }

    let address: RPCAddress
    private let state = NIOLockedValueBox(State())
    private let connectLock = AsyncPermits(1)

    init(address: RPCAddress) {
        self.address = address
    }

    /// An open connection, connecting (once, however many callers wait) when there is none.
    ///
    /// - Throws: the connection error, or `unavailable` while backing off after failures (the
    ///   ``TLSFailure`` again when that was the cause).
    nonisolated(nonsending) func connection(configuration: RPCClientConfiguration, tls: NIOSSLContext?, group: any EventLoopGroup) async throws -> ClientConnection {
        if let existing = state.withLockedValue({ $0.connection }), existing.isUsable {
            return existing
        }
        try await connectLock.acquire()
        defer { connectLock.release() }
        if let existing = state.withLockedValue({ $0.connection }), existing.isUsable {
            return existing
        }
        let (retryAfter, lastTLSFailure) = state.withLockedValue { ($0.retryAfter, $0.lastTLSFailure) }
        if let retryAfter, retryAfter > .now {
            throw lastTLSFailure ?? RPCError(.unavailable, "backing off from \(address)")
        }
        do {
            let connection = try await ClientConnection.connect(to: address, configuration: configuration, tls: tls, group: group)
            state.withLockedValue { state in
                state.connection = connection
                state.failures = 0
                state.retryAfter = nil
                state.lastTLSFailure = nil
            }
            return connection
        } catch {
            state.withLockedValue { state in
                state.connection = nil
                state.failures += 1
                let factor = 1 << min(state.failures - 1, 16)
                let backoff = min(configuration.initialBackoff * factor, configuration.maximumBackoff)
                state.retryAfter = .now + backoff
                state.lastTLSFailure = error as? TLSFailure
            }
            throw error
        }
    }

    func close() {
        let connection = state.withLockedValue { state in
            defer { state.connection = nil }
            return state.connection
        }
        connection?.close()
    }
}
