import FengqiaoPostgres
import FengqiaoTestSupport
import Foundation
import Testing

@Suite struct PoolTests {
    @Test func fiftyTasksTimesTwentyQueriesOnEightConnections() async throws {
        let application = "pool-contention-" + UUID().uuidString.prefix(8)
        let pool = try TestPostgres.makePool(maximumConnections: 8, applicationName: application)
        let observer = try TestPostgres.makePool(maximumConnections: 1)
        let sums = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<50 {
                group.addTask {
                    var sum = 0
                    for query in 0..<20 {
                        sum += try await pool.queryValue("SELECT \(task * 1000 + query)::bigint + 1", as: Int.self)
                    }
                    return sum
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        // Each task t sums (t*1000 + q + 1) for q in 0..<20 = 20_000 t + 210; over t in 0..<50 that is
        // 20_000 × 1225 + 50 × 210.
        #expect(sums.reduce(0, +) == 24_500_000 + 10_500)
        let statistics = pool.statistics
        #expect(statistics.open <= 8)
        #expect(statistics.leased == 0)
        #expect(statistics.waiting == 0)
        let serverSide = try await observer.queryValue(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = \(application)", as: Int.self)
        #expect(serverSide == statistics.open)
        await pool.close()
        await observer.close()
    }

    @Test func exhaustionTimesOutWithPoolTimeout() async throws {
        let pool = try TestPostgres.makePool(maximumConnections: 1, acquireTimeout: .milliseconds(200))
        let (release, releaseSignal) = AsyncStream<Void>.makeStream()
        let (held, heldSignal) = AsyncStream<Void>.makeStream()
        async let holder: Void = pool.withConnection { _ in
            heldSignal.yield()
            for await _ in release { break }
        }
        for await _ in held { break }
        let error = try await #require(throws: PostgresError.self) {
            try await pool.queryValue("SELECT 1", as: Int.self)
        }
        #expect(error.code == .poolTimeout)
        #expect(error.reason.contains("pool of 1"))
        #expect(error.isUnavailable)
        releaseSignal.yield()
        try await holder
        // Once the connection is back, callers are served again.
        #expect(try await pool.queryValue("SELECT 2", as: Int.self) == 2)
        #expect(pool.statistics.leased == 0)
        await pool.close()
    }

    @Test func waitersAreServedInsteadOfTimingOut() async throws {
        let pool = try TestPostgres.makePool(maximumConnections: 2, acquireTimeout: .seconds(30))
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 0..<40 {
                group.addTask { try await pool.queryValue("SELECT \(value)::bigint FROM pg_sleep(0.005)", as: Int.self) }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(results == Set(0..<40))
        #expect(pool.statistics.open <= 2)
        await pool.close()
    }

    @Test func closedPoolRefusesCalls() async throws {
        let pool = try TestPostgres.makePool()
        #expect(try await pool.queryValue("SELECT 1", as: Int.self) == 1)
        await pool.close()
        let error = try await #require(throws: PostgresError.self) { try await pool.execute("SELECT 1") }
        #expect(error.code == .poolClosed)
    }

    @Test func brokenConnectionIsReplaced() async throws {
        let application = "pool-replace-" + UUID().uuidString.prefix(8)
        let pool = try TestPostgres.makePool(maximumConnections: 1, applicationName: application)
        let before = try await pool.queryValue("SELECT pg_backend_pid()", as: Int32.self)
        // An administrator terminates the session behind the pool's back.
        let admin = try TestPostgres.makePool(maximumConnections: 1)
        #expect(try await admin.queryValue("SELECT pg_terminate_backend(\(before))", as: Bool.self))
        try await waitUntil {
            try await admin.queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid = \(before)", as: Int.self) == 0
        }
        let after = try await pool.queryValue("SELECT pg_backend_pid()", as: Int32.self)
        #expect(after != before)
        #expect(pool.statistics.open == 1)
        await pool.close()
        await admin.close()
    }
}

@Suite struct RestartTests {
    @Test func poolRecoversAfterServerRestart() async throws {
        let cluster = try await TemporaryCluster.start()
        do {
            try await restartAndRecover(cluster)
        } catch {
            try? await cluster.destroy()
            throw error
        }
        try await cluster.destroy()
    }

    func restartAndRecover(_ cluster: TemporaryCluster) async throws {
        let pool = PostgresPool(
            configuration: cluster.ownerConfiguration, options: .init(maximumConnections: 4), logger: TestPostgres.testLogger())
        try await pool.execute("CREATE TABLE IF NOT EXISTS restart_probe (n int)")
        // Use every connection so that all of them were open before the restart.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<40 { group.addTask { try await pool.execute("INSERT INTO restart_probe VALUES (\(Int32(n)))") } }
            try await group.waitForAll()
        }
        let openBefore = pool.statistics.open
        #expect(openBefore >= 1)

        try await cluster.restart()

        // The very next calls succeed: dead connections are noticed and replaced.
        for n in 40..<60 {
            try await pool.execute("INSERT INTO restart_probe VALUES (\(Int32(n)))")
        }
        #expect(try await pool.queryValue("SELECT count(*) FROM restart_probe", as: Int.self) == 60)
        #expect(pool.statistics.leased == 0)
        await pool.close()
    }
}
