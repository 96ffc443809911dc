import Logging

/// One connection to PostgreSQL, with an async API.
///
/// libpq blocks, so every connection has a thread of its own where its libpq calls run; no event
/// loop or cooperative thread is ever blocked. That thread is also a task executor: inside
/// `withConnection` and `transaction` (or `withThread(_:)`) the caller's code runs on it, so each
/// statement calls libpq directly with no hand-over between threads; elsewhere each call hops
/// there and back. Statements are prepared once per connection and reused. Cancelling the calling
/// task asks the server to cancel the running statement.
///
/// Most code takes connections from a `PostgresPool` rather than opening its own.
public final class PostgresConnection: PostgresQueryable, Sendable {
    let core: LibPQConnection
    let thread: ConnectionThread

    init(core: LibPQConnection, thread: ConnectionThread) {
        self.core = core
        self.thread = thread
    }

    deinit {
        thread.stop()
    }

    /// Opens a connection.
    ///
    /// - Throws: `PostgresError` with `.unreachable`, `.authenticationFailed`, `.databaseMissing` or
    ///   `.connectionFailed`; the message names the target but never the password.
    public static func connect(to configuration: PostgresConfiguration) async throws -> PostgresConnection {
        let thread = ConnectionThread(name: "fengqiao-postgres")
        do {
            let core = try await withTaskExecutorPreference(thread) {
                precondition(thread.isCurrent, "a connection's work must run on its own thread")
                return try LibPQConnection(configuration: configuration)
            }
            return PostgresConnection(core: core, thread: thread)
        } catch {
            thread.stop()
            throw error
        }
    }

    /// Runs `body` on the connection's own thread, where each statement runs without a hop.
    ///
    /// Child tasks started inside prefer the same thread too, so keep parallel work outside.
    public func withThread<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        if thread.isCurrent { return try await body() }
        return try await withTaskExecutorPreference(thread) { try await guarding(body) }
    }

    /// Runs `body` with one cancellation handler for every statement the current task runs here,
    /// so that none needs a handler of its own (see `run(_:)`); the first task to arrive on the
    /// thread holds the guard until its `body` returns, and any other task's statements take the
    /// slower way meanwhile. The handler cancels only statements of the guarded task.
    private func guarding<Result>(_ body: () async throws -> Result) async throws -> Result {
        guard thread.isCurrent, thread.guarded == nil, let task = ConnectionThread.currentTask else {
            return try await body()
        }
        let core = self.core
        let token = core.makeCancelToken()
        thread.guarded = (task, token)
        defer {
            precondition(thread.isCurrent, "a connection's guard must be released on its own thread")
            thread.guarded = nil
        }
        return try await withTaskCancellationHandler {
            try await body()
        } onCancel: {
            core.cancel(token)
        }
    }

    public nonisolated(nonsending) func query(_ query: PostgresQuery) async throws -> PostgresRows {
        let storage: PostgresResultStorage
        if let token = thread.tokenOfCurrentTask {
            storage = try core.cancellable(token) { try core.execute(query) }
        } else {
            storage = try await run { core in try core.execute(query) }
        }
        return PostgresRows(storage: storage, query: query.sql)
    }

    /// Runs SQL text that may hold several statements and no parameters (simple protocol).
    ///
    /// For migrations and administration; application statements use `query(_:)`.
    public func executeScript(_ sql: String) async throws {
        try await run { core in try core.executeScript(sql) }
    }

    /// Copies rows into a table with `COPY … FROM STDIN (FORMAT binary)`.
    ///
    /// `table` and `columns` are identifiers, quoted here; `body` appends the rows. It runs on the
    /// layer's thread, so it must not block on anything else.
    ///
    /// ```swift
    /// let copied = try await connection.copyRows(into: "registry.resident", columns: ["name", "phone"]) { rows in
    ///     for resident in residents { rows.append(resident.name, resident.phone) }
    /// }
    /// ```
    /// - Returns: the number of rows the server stored.
    /// - Throws: `PostgresError` (a constraint violation rolls back the whole copy).
    @discardableResult
    public func copyRows(
        into table: String, columns: [String],
        _ body: @escaping @Sendable (inout PostgresCopyWriter) throws -> Void
    ) async throws -> Int {
        let sql = PostgresCopyWriter.statement(table: table, columns: columns)
        return try await run { core in
            try core.copyIn(sql) { send in
                var writer = PostgresCopyWriter(columnCount: columns.count, send: send)
                try body(&writer)
                try writer.finish()
            }
        }
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    ///
    /// - Throws: what `body` throws, or `PostgresError` from BEGIN or COMMIT (a serialization
    ///   failure can surface at COMMIT).
    public func transaction<Result: Sendable>(
        isolation: PostgresIsolationLevel = .readCommitted,
        _ body: (PostgresTransaction) async throws -> Result
    ) async throws -> Result {
        try await withThread {
            try await execute(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation.sql)"))
            let result: Result
            do {
                result = try await body(PostgresTransaction(connection: self))
            } catch {
                await rollback()
                throw error
            }
            do {
                try await execute("COMMIT")
            } catch {
                await rollback()
                throw error
            }
            return result
        }
    }

    /// Rolls back even when the task is cancelled; a connection that cannot (it broke) is left
    /// outside the idle state, so a pool discards it.
    private func rollback() async {
        let core = self.core
        _ = try? await withThread { try core.executeScript("ROLLBACK") }
    }

    /// Whether the connection is usable and idle (cheap: no round trip).
    var isIdleAndHealthy: Bool { core.isIdleAndHealthy }

    /// Runs a blocking libpq call on the connection's thread, cancelling the statement if the task
    /// is cancelled meanwhile.
    ///
    /// Inside `withThread` (so inside `withConnection` and `transaction`) the call runs right away
    /// under the handler `withThread` installed; a task that reaches the thread another way gets a
    /// handler for this call alone.
    func run<Value: Sendable>(_ body: @escaping @Sendable (LibPQConnection) throws -> Value) async throws -> Value {
        let core = self.core
        if let token = thread.tokenOfCurrentTask { return try core.cancellable(token) { try body(core) } }
        return try await withThread {
            if let token = thread.tokenOfCurrentTask { return try core.cancellable(token) { try body(core) } }
            let token = core.makeCancelToken()
            return try await withTaskCancellationHandler {
                try core.cancellable(token) { try body(core) }
            } onCancel: {
                core.cancel(token)
            }
        }
    }
}

/// The isolation level of a transaction.
public enum PostgresIsolationLevel: Sendable {
    case readCommitted
    case repeatableRead
    case serializable

    var sql: String {
        switch self {
        case .readCommitted: "READ COMMITTED"
        case .repeatableRead: "REPEATABLE READ"
        case .serializable: "SERIALIZABLE"
        }
    }
}

/// Statements inside one open transaction.
///
/// It only exists inside `transaction { }`, which commits or rolls back; it has no COMMIT of its own.
public struct PostgresTransaction: PostgresQueryable {
    /// The connection the transaction runs on.
    public let connection: PostgresConnection

    public nonisolated(nonsending) func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await connection.query(query)
    }

    /// Copies rows into a table as part of this transaction; see `PostgresConnection.copyRows`.
    @discardableResult
    public func copyRows(
        into table: String, columns: [String],
        _ body: @escaping @Sendable (inout PostgresCopyWriter) throws -> Void
    ) async throws -> Int {
        try await connection.copyRows(into: table, columns: columns, body)
    }
}
