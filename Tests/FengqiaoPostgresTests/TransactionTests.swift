import FengqiaoPostgres
import FengqiaoTestSupport
import Testing
import NIOConcurrencyHelpers

@Suite struct TransactionTests {
    struct Refused: Error {}

    @Test func commitsOnReturnAndRollsBackOnThrow() async throws {
        try await TestPostgres.withFreshSchema { schema, pool in
            try await pool.execute(PostgresQuery(unsafeSQL: "CREATE TABLE \(schema).dispute (id int PRIMARY KEY, note text)"))
            let insert = { (id: Int32) in PostgresQuery(unsafeSQL: "INSERT INTO \(schema).dispute VALUES ($1, 'x')", bindings: PostgresBindings(id)) }

            try await pool.transaction { tx in
                try await tx.execute(insert(1))
                try await tx.execute(insert(2))
            }
            await #expect(throws: Refused.self) {
                try await pool.transaction { tx in
                    try await tx.execute(insert(3))
                    throw Refused()
                }
            }
            // A statement error inside rolls back the statements before it too.
            await #expect(throws: PostgresError.self) {
                try await pool.transaction { tx in
                    try await tx.execute(insert(4))
                    try await tx.execute(insert(1))  // duplicate key
                }
            }
            let ids = try await pool.query(PostgresQuery(unsafeSQL: "SELECT id FROM \(schema).dispute ORDER BY id"))
                .map { try $0.decode(Int32.self, at: 0) }
            #expect(ids == [1, 2])
            #expect(pool.statistics.leased == 0)
        }
    }

    @Test func retriesSerializationFailures() async throws {
        try await TestPostgres.withFreshSchema { schema, pool in
            try await pool.execute(PostgresQuery(unsafeSQL: "CREATE TABLE \(schema).counter (id int PRIMARY KEY, n int)"))
            try await pool.execute(PostgresQuery(unsafeSQL: "INSERT INTO \(schema).counter VALUES (1, 0)"))
            let other = try await PostgresConnection.connect(to: pool.configuration)
            let attempts = NIOLockedValueBox(0)

            let final = try await pool.transaction(isolation: .serializable, maximumAttempts: 3) { tx in
                let attempt = attempts.withLockedValue { $0 += 1; return $0 }
                let n = try await tx.queryValue(PostgresQuery(unsafeSQL: "SELECT n FROM \(schema).counter WHERE id = 1"), as: Int32.self)
                if attempt == 1 {
                    // Another officer's change commits after this transaction's snapshot was taken.
                    try await other.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = n + 10 WHERE id = 1"))
                }
                try await tx.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = $1 WHERE id = 1", bindings: PostgresBindings(n + 1)))
                return n + 1
            }
            #expect(attempts.withLockedValue { $0 } == 2)
            #expect(final == 11)
            #expect(try await pool.queryValue(PostgresQuery(unsafeSQL: "SELECT n FROM \(schema).counter"), as: Int32.self) == 11)
        }
    }

    @Test func givesUpAfterTheLastAttempt() async throws {
        try await TestPostgres.withFreshSchema { schema, pool in
            try await pool.execute(PostgresQuery(unsafeSQL: "CREATE TABLE \(schema).counter (id int PRIMARY KEY, n int)"))
            try await pool.execute(PostgresQuery(unsafeSQL: "INSERT INTO \(schema).counter VALUES (1, 0)"))
            let other = try await PostgresConnection.connect(to: pool.configuration)
            let attempts = NIOLockedValueBox(0)
            let error = try await #require(throws: PostgresError.self) {
                try await pool.transaction(isolation: .serializable, maximumAttempts: 2) { tx in
                    attempts.withLockedValue { $0 += 1 }
                    _ = try await tx.query(PostgresQuery(unsafeSQL: "SELECT n FROM \(schema).counter WHERE id = 1"))
                    try await other.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = n + 1 WHERE id = 1"))
                    try await tx.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = n + 1 WHERE id = 1"))
                }
            }
            #expect(error.isSerializationFailure)
            #expect(attempts.withLockedValue { $0 } == 2)
        }
    }

    @Test func cancellingTheTaskCancelsTheStatement() async throws {
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        let task = Task { try await pool.execute("SELECT pg_sleep(30)") }
        try await waitUntil {
            try await PostgresConnection.connect(to: pool.configuration).queryValue(
                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'",
                as: Int.self) == 1
        }
        task.cancel()
        let error = try await #require(throws: PostgresError.self) { try await task.value }
        #expect(error.code == .cancelled)
        // The connection is usable again afterwards.
        #expect(try await pool.queryValue("SELECT 7", as: Int.self) == 7)
        await pool.close()
    }

    @Test func cancellingAChildTaskOnTheConnectionCancelsItsStatement() async throws {
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        let clock = ContinuousClock()
        let start = clock.now
        try await pool.withConnection { connection in
            // The first child runs on the connection's thread, as the lending task does, but only it
            // is cancelled: the group cancels it when the second child, elsewhere, throws.
            await #expect(throws: Refused.self) {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { try await connection.execute("SELECT pg_sleep(29)") }
                    group.addTask(executorPreference: globalConcurrentExecutor) {
                        try await waitUntil {
                            try await PostgresConnection.connect(to: pool.configuration).queryValue(
                                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(29)' AND state = 'active'",
                                as: Int.self) == 1
                        }
                        throw Refused()
                    }
                }
            }
            let seven = try await connection.queryValue("SELECT 7", as: Int.self)
            #expect(seven == 7)
        }
        #expect(clock.now - start < .seconds(20))
        await pool.close()
    }

    @Test func cancellingTheBorrowerLeavesAnotherTasksStatementAlone() async throws {
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        let other = NIOLockedValueBox<Task<Int, Error>?>(nil)
        let borrower = Task {
            try await pool.withConnection { connection in
                let task = Task { try await connection.queryValue("SELECT 5 FROM pg_sleep(1.5)", as: Int.self) }
                other.withLockedValue { $0 = task }
                // The borrower waits elsewhere while another task's statement runs on its connection.
                try await Task.sleep(for: .seconds(30))
            }
        }
        try await waitUntil {
            try await PostgresConnection.connect(to: pool.configuration).queryValue(
                "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT 5 FROM pg_sleep(1.5)' AND state = 'active'",
                as: Int.self) == 1
        }
        borrower.cancel()
        await #expect(throws: CancellationError.self) { try await borrower.value }
        let task = try #require(other.withLockedValue { $0 })
        #expect(try await task.value == 5)
        await pool.close()
    }

    @Test func aTaskCancelledBetweenStatementsRunsNoMore() async throws {
        let pool = try TestPostgres.makePool(maximumConnections: 1)
        let ran = NIOLockedValueBox(0)
        let task = Task {
            try await pool.withConnection { connection in
                let one = try await connection.queryValue("SELECT 1", as: Int.self)
                ran.withLockedValue { $0 = one }
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
                ran.withLockedValue { $0 = 2 }
                try await connection.execute("SELECT 2")
                ran.withLockedValue { $0 = 3 }
            }
        }
        try await waitUntil { ran.withLockedValue { $0 } == 1 }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ran.withLockedValue { $0 } == 2)
        #expect(try await pool.queryValue("SELECT 7", as: Int.self) == 7)
        await pool.close()
    }
}
