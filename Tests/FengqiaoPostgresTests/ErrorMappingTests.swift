import FengqiaoPostgres
import FengqiaoTestSupport
import Testing

@Suite struct ErrorMappingTests {
    /// A parent and a child table with every kind of constraint.
    func makeTables(_ schema: String, on pool: PostgresPool) async throws {
        try await pool.withConnection { connection in
            try await connection.executeScript(
                """
                CREATE TABLE \(schema).unit (
                    id bigint PRIMARY KEY,
                    code text NOT NULL CONSTRAINT unit_code_key UNIQUE,
                    level int CONSTRAINT unit_level_check CHECK (level BETWEEN 1 AND 5)
                );
                CREATE TABLE \(schema).person (
                    id bigint PRIMARY KEY,
                    unit_id bigint NOT NULL CONSTRAINT person_unit_fkey REFERENCES \(schema).unit (id)
                );
                INSERT INTO \(schema).unit VALUES (1, 'QS-01', 1);
                """)
        }
    }

    func serverError(_ pool: PostgresPool, _ query: PostgresQuery) async throws -> PostgresError {
        try await #require(throws: PostgresError.self) { try await pool.execute(query) }
    }

    @Test func integrityViolations() async throws {
        try await TestPostgres.withFreshSchema { schema, pool in
            try await makeTables(schema, on: pool)

            let unique = try await serverError(pool, PostgresQuery(unsafeSQL: "INSERT INTO \(schema).unit VALUES (2, 'QS-01', 1)"))
            #expect(unique.isUniqueViolation)
            #expect(unique.sqlState == "23505")
            #expect(unique.serverInfo?.constraintName == "unit_code_key")

            let foreign = try await serverError(pool, PostgresQuery(unsafeSQL: "INSERT INTO \(schema).person VALUES (1, 99)"))
            #expect(foreign.isForeignKeyViolation)
            #expect(foreign.serverInfo?.constraintName == "person_unit_fkey")

            let check = try await serverError(pool, PostgresQuery(unsafeSQL: "INSERT INTO \(schema).unit VALUES (3, 'QS-03', 9)"))
            #expect(check.isCheckViolation)
            #expect(check.serverInfo?.constraintName == "unit_level_check")

            let notNull = try await serverError(pool, PostgresQuery(unsafeSQL: "INSERT INTO \(schema).unit (id) VALUES (4)"))
            #expect(notNull.isNotNullViolation)
            #expect(notNull.serverInfo?.columnName == "code")

            let syntax = try await serverError(pool, "SELEC 1")
            #expect(syntax.code == .server)
            #expect(syntax.sqlState == "42601")
            #expect(!syntax.isRetryableTransactionFailure)
        }
    }

    @Test func descriptionHoldsNoRowValues() async throws {
        try await TestPostgres.withFreshSchema { schema, pool in
            try await makeTables(schema, on: pool)
            let phone = "13800138000"
            try await pool.execute(PostgresQuery(unsafeSQL: "INSERT INTO \(schema).unit VALUES (5, '\(phone)', 1)"))
            let error = try await serverError(pool, PostgresQuery(unsafeSQL: "INSERT INTO \(schema).unit VALUES (6, '\(phone)', 1)"))
            #expect(error.serverInfo?.detail?.contains(phone) == true)  // the server quotes it…
            #expect(!error.description.contains(phone))  // …the public description does not
        }
    }

    @Test func serializationFailureAndDeadlockAreRecognised() async throws {
        try await TestPostgres.withFreshSchema { schema, pool in
            try await pool.execute(PostgresQuery(unsafeSQL: "CREATE TABLE \(schema).counter (id int PRIMARY KEY, n int)"))
            try await pool.execute(PostgresQuery(unsafeSQL: "INSERT INTO \(schema).counter VALUES (1, 0), (2, 0)"))
            let first = try await PostgresConnection.connect(to: pool.configuration)
            let second = try await PostgresConnection.connect(to: pool.configuration)

            // Serialization: the first transaction's snapshot predates the second's committed update.
            try await first.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            _ = try await first.query(PostgresQuery(unsafeSQL: "SELECT n FROM \(schema).counter WHERE id = 1"))
            try await second.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = n + 1 WHERE id = 1"))
            let serialization = try await #require(throws: PostgresError.self) {
                try await first.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = n + 1 WHERE id = 1"))
            }
            #expect(serialization.isSerializationFailure)
            #expect(serialization.isRetryableTransactionFailure)
            try await first.execute("ROLLBACK")

            // Deadlock: each holds one row and asks for the other's.
            let firstPID = try await first.queryValue("SELECT pg_backend_pid()", as: Int32.self)
            try await first.execute("BEGIN")
            try await second.execute("BEGIN")
            try await first.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = 1 WHERE id = 1"))
            try await second.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = 1 WHERE id = 2"))
            async let blocked: Result<Int, Error> = Result {
                try await first.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = 2 WHERE id = 2"))
            }
            // Wait until the first session is really waiting for the lock, then close the cycle.
            try await waitUntil {
                try await pool.queryValue(
                    "SELECT count(*) FROM pg_locks WHERE pid = \(firstPID) AND NOT granted", as: Int.self) > 0
            }
            let closing: Result<Int, Error> = await Result {
                try await second.execute(PostgresQuery(unsafeSQL: "UPDATE \(schema).counter SET n = 2 WHERE id = 1"))
            }
            let outcomes = [await blocked, closing]
            let deadlocks = outcomes.compactMap { outcome -> PostgresError? in
                if case .failure(let error as PostgresError) = outcome, error.isDeadlock { return error }
                return nil
            }
            #expect(deadlocks.count == 1)
            try await first.execute("ROLLBACK")
            try await second.execute("ROLLBACK")
        }
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

/// Polls `condition` until it holds, failing after `timeout`; tests wait for states, never sleep blindly.
func waitUntil(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met within \(timeout)")
    throw CancellationError()
}
