import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A bounded pool of connections, shared by all the tasks of a service.
///
/// Connections open lazily up to `maximumConnections`. When all are busy a caller waits, up to
/// `acquireTimeout`, then gets `PostgresError.poolTimeout`. An idle connection is checked before
/// it is handed out (a readable socket means the server closed it; one idle past `pingInterval`
/// is pinged), and a broken or still-in-transaction connection is closed instead of reused, so
/// after a server restart the next calls open fresh connections without restarting the process.
///
/// ```swift
/// let pool = PostgresPool(configuration: try PostgresConfiguration(url), logger: logger)
/// let id: Int64 = try await pool.transaction { tx in
///     try await tx.queryValue("INSERT INTO registry.unit (code) VALUES (\(code)) RETURNING id")
/// }
/// await pool.close()
/// ```
public final class PostgresPool: PostgresQueryable, Sendable {
    /// How the pool is sized and timed.
    public struct Options: Sendable {
        /// The most connections open at once.
        public var maximumConnections: Int
        /// How long a caller waits for a free connection.
        public var acquireTimeout: Duration
        /// An idle connection older than this is pinged with `SELECT 1` before use.
        public var pingInterval: Duration

        public init(maximumConnections: Int = 8, acquireTimeout: Duration = .seconds(5), pingInterval: Duration = .seconds(30)) {
            self.maximumConnections = max(1, maximumConnections)
            self.acquireTimeout = acquireTimeout
            self.pingInterval = pingInterval
        }
    }

    /// A snapshot of the pool's state.
    public struct Statistics: Sendable, Hashable {
        /// Connections open, busy or idle.
        public var open: Int
        /// Connections idle in the pool.
        public var idle: Int
        /// Callers waiting for a connection.
        public var waiting: Int
        /// Connections handed out and not yet returned.
        public var leased: Int { open - idle }
    }

    public let configuration: PostgresConfiguration
    public let options: Options
    private let timer: any EventLoop
    private let logger: Logger
    private let state: NIOLockedValueBox<State>

    private struct Idle {
        var connection: PostgresConnection
        var since: NIODeadline
    }

    private enum Grant: Sendable {
        case connection(PostgresConnection)
        case openNew
    }

    private struct Waiter {
        var continuation: CheckedContinuation<Grant, Error>
        var timeout: Scheduled<Void>?
    }

    private struct State {
        var idle: [Idle] = []
        var open = 0
        var waiters: [UInt64: Waiter] = [:]
        var waitOrder: [UInt64] = []
        var nextWaiter: UInt64 = 0
        var closed = false

        mutating func popWaiter() -> Waiter? {
            while !waitOrder.isEmpty {
                let id = waitOrder.removeFirst()
                if let waiter = waiters.removeValue(forKey: id) { return waiter }
            }
            return nil
        }
    }

    /// Creates a pool; no connection opens until the first call.
    ///
    /// Each connection has a thread of its own (see `PostgresConnection`), so a slow statement
    /// never delays another.
    public init(configuration: PostgresConfiguration, options: Options = Options(), logger: Logger) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.timer = MultiThreadedEventLoopGroup.singleton.any()
        self.state = NIOLockedValueBox(State())
    }

    /// The pool's current state.
    public var statistics: Statistics {
        state.withLockedValue { Statistics(open: $0.open, idle: $0.idle.count, waiting: $0.waiters.count) }
    }

    public nonisolated(nonsending) func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    /// Lends a connection to `body` and takes it back afterwards, whatever happens.
    ///
    /// `body` runs on the connection's own thread, so its statements call libpq with no hand-over
    /// between threads; child tasks it starts prefer that thread too.
    ///
    /// - Throws: `PostgresError.poolTimeout` when none became free in time, `.poolClosed` after
    ///   `close()`, connection errors when a new one cannot be opened, and what `body` throws.
    public func withConnection<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await acquire()
        do {
            let result = try await connection.withThread { try await body(connection) }
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on a pooled connection: commit on return, rollback on throw.
    ///
    /// With `maximumAttempts` above 1, a transaction that fails with a serialization failure or a
    /// deadlock is rolled back and run again, after a short random pause, up to that many times;
    /// `body` must then have no effects outside the database.
    public func transaction<Result: Sendable>(
        isolation: PostgresIsolationLevel = .readCommitted,
        maximumAttempts: Int = 1,
        _ body: (PostgresTransaction) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await withConnection { try await $0.transaction(isolation: isolation, body) }
            } catch let error as PostgresError where error.isRetryableTransactionFailure && attempt < maximumAttempts {
                logger.debug(
                    "retrying transaction",
                    metadata: ["db.sqlstate": "\(error.sqlState ?? "")", "db.attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
                attempt += 1
            }
        }
    }

    /// Closes idle connections and refuses new calls; connections still lent out close when they
    /// come back.
    public func close() async {
        let (idle, waiters) = state.withLockedValue { state -> ([Idle], [Waiter]) in
            state.closed = true
            let idle = state.idle
            state.open -= idle.count
            state.idle.removeAll()
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            state.waitOrder.removeAll()
            return (idle, waiters)
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.continuation.resume(throwing: PostgresError(.poolClosed, "the pool was closed"))
        }
        _ = idle  // the connections close, and their threads end, when the last reference goes
    }

    // MARK: Acquire and release

    private enum Step {
        case use(Idle)
        case open
        case wait(UInt64)
        case closed
    }

    private func acquire() async throws -> PostgresConnection {
        while true {
            try Task.checkCancellation()
            let step = state.withLockedValue { state -> Step in
                if state.closed { return .closed }
                if let idle = state.idle.popLast() { return .use(idle) }
                if state.open < options.maximumConnections {
                    state.open += 1
                    return .open
                }
                state.nextWaiter += 1
                return .wait(state.nextWaiter)
            }
            switch step {
            case .closed:
                throw PostgresError(.poolClosed, "the pool was closed")
            case .use(let idle):
                if await isHealthy(idle) { return idle.connection }
                logger.debug("discarding a broken idle connection")
                discardAndHandOver()
            case .open:
                return try await openConnection()
            case .wait(let id):
                switch try await wait(id) {
                case .connection(let connection): return connection
                case .openNew: return try await openConnection()
                }
            }
        }
    }

    /// Opens a connection for a slot already counted in `open`; frees the slot if it fails.
    private func openConnection() async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(to: configuration)
        } catch {
            discardAndHandOver()
            throw error
        }
    }

    private func isHealthy(_ idle: Idle) async -> Bool {
        guard idle.connection.isIdleAndHealthy else { return false }
        guard NIODeadline.now() - idle.since > TimeAmount(options.pingInterval) else { return true }
        return (try? await idle.connection.query("SELECT 1")) != nil
    }

    private func wait(_ id: UInt64) async throws -> Grant {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, Error>) in
                let timeout = timer.scheduleTask(in: TimeAmount(options.acquireTimeout)) { [weak self] () -> Void in
                    guard let self else { return }
                    self.failWaiter(id, PostgresError(.poolTimeout, self.timeoutReason))
                }
                let registered = state.withLockedValue { state -> Bool in
                    if state.closed { return false }
                    state.waiters[id] = Waiter(continuation: continuation, timeout: timeout)
                    state.waitOrder.append(id)
                    return true
                }
                if !registered {
                    timeout.cancel()
                    continuation.resume(throwing: PostgresError(.poolClosed, "the pool was closed"))
                }
            }
        } onCancel: {
            failWaiter(id, CancellationError())
        }
    }

    private var timeoutReason: String {
        "no connection became free within \(options.acquireTimeout) "
            + "(pool of \(options.maximumConnections))"
    }

    private func failWaiter(_ id: UInt64, _ error: Error) {
        let waiter = state.withLockedValue { $0.waiters.removeValue(forKey: id) }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(throwing: error)
    }

    /// Gives a connection back: to the first waiter, to the idle list, or closes it if broken.
    private func release(_ connection: PostgresConnection) {
        guard connection.core.isReusable else {
            discardAndHandOver()
            return
        }
        let waiter = state.withLockedValue { state -> Waiter? in
            if state.closed {
                state.open -= 1
                return nil
            }
            if let waiter = state.popWaiter() { return waiter }
            state.idle.append(Idle(connection: connection, since: .now()))
            return nil
        }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(returning: .connection(connection))
    }

    /// Forgets a connection (it closes when released) and lets the first waiter open a new one.
    private func discardAndHandOver() {
        let waiter = state.withLockedValue { state -> Waiter? in
            if !state.closed, let waiter = state.popWaiter() { return waiter }
            state.open -= 1
            return nil
        }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(returning: .openNew)
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
