import FengqiaoPostgres

/// Runs a single-statement workload in a closed loop: one task per connection, each sending its
/// next statement as soon as the last one returned, like pgbench's clients.
enum RoundTrips {
    /// What a run measured.
    struct Report {
        var connections: Int
        var transactions: Int
        var seconds: Double
        /// Sorted latencies of every transaction, in nanoseconds.
        var latencies: [UInt64]

        var perSecond: Double { Double(transactions) / seconds }

        /// The latency at quantile `q` (0...1), in milliseconds.
        func latency(_ q: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let index = min(latencies.count - 1, Int((Double(latencies.count) * q).rounded(.down)))
            return Double(latencies[index]) / 1e6
        }

        /// One line, `key=value` separated, for people and for scripts/bench-postgres.
        func line(mode: String) -> String {
            "\(mode) connections=\(connections) transactions=\(transactions) seconds=\(format(seconds, 3)) "
                + "tps=\(format(perSecond, 1)) p50_ms=\(format(latency(0.5), 3)) p99_ms=\(format(latency(0.99), 3))"
        }
    }

    /// Transactions each client runs before the clock starts: connections open, statements get prepared.
    static let warmUpPerClient = 200

    /// Measures `transaction`, which gets the pool and a random resident id and returns any number
    /// derived from the result (summed, so the work cannot be optimised away).
    static func measure(
        server: ServerOptions, load: LoadOptions,
        _ transaction: @escaping @Sendable (PostgresConnection, Int64) async throws -> Int
    ) async throws -> Report {
        let pool = PostgresPool(
            configuration: try server.configuration(),
            options: .init(maximumConnections: load.connections, acquireTimeout: .seconds(60)),
            logger: .bench)
        do {
            let report = try await run(pool: pool, load: load, transaction)
            await pool.close()
            return report
        } catch {
            await pool.close()
            throw error
        }
    }

    private static func run(
        pool: PostgresPool, load: LoadOptions,
        _ transaction: @escaping @Sendable (PostgresConnection, Int64) async throws -> Int
    ) async throws -> Report {
        let clients = load.connections
        // Warm-up, all clients at once so that every connection of the pool opens.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var random = SplitMix(seed: UInt64(client) &+ 1)
                    try await pool.withConnection { connection in
                        for _ in 0..<warmUpPerClient { _ = try await transaction(connection, random.residentID()) }
                    }
                }
            }
            try await group.waitForAll()
        }

        let start = monotonicNanoseconds()
        let deadline = start + UInt64(load.duration * 1e9)
        var latencies: [UInt64] = []
        var checksum = 0
        try await withThrowingTaskGroup(of: ([UInt64], Int).self) { group in
            for client in 0..<clients {
                group.addTask {
                    // Like a pgbench client, each client holds one connection for the whole run.
                    try await pool.withConnection { connection in
                        var random = SplitMix(seed: 0x9E37_79B9 &* (UInt64(client) &+ 7))
                        var latencies: [UInt64] = []
                        latencies.reserveCapacity(1 << 16)
                        var checksum = 0
                        var before = monotonicNanoseconds()
                        while before < deadline {
                            checksum &+= try await transaction(connection, random.residentID())
                            let after = monotonicNanoseconds()
                            latencies.append(after - before)
                            before = after
                        }
                        return (latencies, checksum)
                    }
                }
            }
            for try await (clientLatencies, clientChecksum) in group {
                latencies += clientLatencies
                checksum &+= clientChecksum
            }
        }
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        blackHole(checksum)
        latencies.sort()
        return Report(connections: clients, transactions: latencies.count, seconds: seconds, latencies: latencies)
    }
}

/// Consumes a value the optimiser cannot see through, so the work that made it stays.
@inline(never)
func blackHole(_ value: Int) {
    withExtendedLifetime(value) {}
}

/// A small, fast generator (SplitMix64): the system one costs a system call per number on Linux.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A resident id in 1...Schema.residentCount.
    mutating func residentID() -> Int64 {
        Int64(next() % UInt64(Schema.residentCount)) + 1
    }
}
