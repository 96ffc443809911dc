import CLibPQ
import NIOConcurrencyHelpers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A blocking libpq connection. Every method blocks its thread, so callers run it on the layer's
/// thread pool, never on an event loop. A lock makes concurrent misuse wait instead of corrupting
/// the connection; `cancel()` is the one call meant to come from another thread.
final class LibPQConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NIOLock()
    private let target: String
    /// The statements prepared on this connection.
    private var statements = PreparedStatements(limit: LibPQConnection.statementCacheLimit)
    private var nextStatement = 0
    private let cancelState: NIOLockedValueBox<CancelState>

    /// The most prepared statements kept per connection before the cache is emptied.
    static let statementCacheLimit = 512

    private struct CancelState {
        var handle: OpaquePointer?
        /// The token of the cancellable call under way, if any: `cancel(_:)` with that token
        /// reaches the server, any other does nothing.
        var running: CancelToken?
        var lastToken: UInt64 = 0
    }

    /// Names who may cancel a call: one `withThread` scope, or one call.
    struct CancelToken: Equatable, Sendable {
        fileprivate var value: UInt64
    }

    init(configuration: PostgresConfiguration) throws {
        let options = configuration.options
        let connection: OpaquePointer? = withCStringArray(options.map(\.keyword)) { keywords in
            withCStringArray(options.map(\.value)) { values in
                PQconnectdbParams(keywords, values, 0)
            }
        }
        guard let connection else {
            throw PostgresError(.connectionFailed, "connection to \(configuration.target) failed: out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmed
            PQfinish(connection)
            throw Self.connectError(message, target: configuration.target)
        }
        // Notices (such as "drop cascades to …") would go to standard error; statements that
        // matter report through results and errors instead.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.handle = connection
        self.target = configuration.target
        self.cancelState = NIOLockedValueBox(CancelState(handle: PQgetCancel(connection)))
    }

    deinit {
        cancelState.withLockedValue { state in
            if let cancel = state.handle { PQfreeCancel(cancel) }
            state.handle = nil
        }
        PQfinish(handle)
    }

    /// Sorts a libpq connection failure into the codes callers act on.
    static func connectError(_ message: String, target: String) -> PostgresError {
        let lower = message.lowercased()
        let code: PostgresError.Code
        let summary: String
        if lower.contains("password authentication failed") || lower.contains("authentication failed")
            || (lower.contains("role") && lower.contains("does not exist")) || lower.contains("no password supplied")
        {
            code = .authenticationFailed
            summary = "authentication failed"
        } else if lower.contains("database") && lower.contains("does not exist") {
            code = .databaseMissing
            summary = "database does not exist"
        } else if lower.contains("connection refused") || lower.contains("could not translate host name")
            || lower.contains("timeout expired") || lower.contains("no route to host")
            || lower.contains("network is unreachable") || lower.contains("could not connect")
        {
            code = .unreachable
            summary = "server unreachable"
        } else {
            code = .connectionFailed
            summary = "connection failed"
        }
        return PostgresError(code, "\(summary): \(target): \(message.replacingNewlines)")
    }

    // MARK: Health

    /// Whether the connection is still open and outside any transaction, without a round trip.
    ///
    /// The suite never LISTENs, so an idle connection has nothing to hear; if its socket is
    /// readable the server has most likely ended the session (a restart or a terminated backend
    /// sends a FATAL report, then closes), and the connection is given up.
    var isIdleAndHealthy: Bool {
        lock.withLock {
            guard PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) == PQTRANS_IDLE else { return false }
            return fengqiao_pq_socket_readable(handle) == 0
        }
    }

    /// Whether the connection is open and idle, so it can go back to a pool.
    var isReusable: Bool {
        lock.withLock { PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE }
    }

    /// A token no call has used yet.
    func makeCancelToken() -> CancelToken {
        cancelState.withLockedValue { state in
            state.lastToken += 1
            return CancelToken(value: state.lastToken)
        }
    }

    /// Asks the server to cancel the statement running now, if it runs as a cancellable call
    /// under `token` (see `cancellable(_:_:)`); otherwise no request goes out, so a cancel never
    /// reaches another caller's statement. Safe from any thread.
    func cancel(_ token: CancelToken) {
        cancelState.withLockedValue { state in
            guard state.running == token, let cancel = state.handle else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancel, &buffer, Int32(buffer.count))
        }
    }

    /// Runs `body` as a call `cancel(token)` may interrupt, unless the current task is already
    /// cancelled. Calls run on the connection's thread, one at a time.
    ///
    /// The task's cancellation is checked after the call is marked as under way, so a cancellation
    /// either is seen here or finds the call running and reaches the server.
    func cancellable<Value>(_ token: CancelToken, _ body: () throws -> Value) throws -> Value {
        cancelState.withLockedValue { $0.running = token }
        defer { cancelState.withLockedValue { $0.running = nil } }
        try Task.checkCancellation()
        return try body()
    }

    // MARK: Statements

    /// Runs one statement through the extended protocol, preparing it once per connection.
    func execute(_ query: PostgresQuery) throws -> PostgresResultStorage {
        lock.lock()
        defer { lock.unlock() }
        let statement = try preparedLocked(query)
        let result = query.bindings.withCArrays { count, values, lengths, formats in
            PQexecPrepared(handle, statement.name, count, values, lengths, formats, 1)
        }
        let checked = try self.checked(result, query: query.sql)
        return PostgresResultStorage(result: checked, columns: statement.columns(of: checked))
    }

    /// Runs SQL text through the simple protocol: several statements are allowed, parameters are not.
    /// For migrations and administration only.
    func executeScript(_ sql: String) throws {
        try lock.withLock {
            _ = try check(PQexec(handle, sql), query: sql)
        }
    }

    /// The statement prepared for `query`'s text and parameter types, preparing it first if this
    /// connection has not yet.
    private func preparedLocked(_ query: PostgresQuery) throws -> PreparedStatement {
        let hash = PreparedStatements.hash(query.sql)
        if let statement = statements.find(query, hash: hash) { return statement }
        if statements.count >= Self.statementCacheLimit {
            _ = try check(PQexec(handle, "DEALLOCATE ALL"), query: "DEALLOCATE ALL")
            statements.removeAll()
        }
        nextStatement += 1
        guard let name = strdup("fq_\(nextStatement)") else {
            throw PostgresError(.connectionFailed, "out of memory", query: query.sql)
        }
        // Only the types matter; the values are dropped so they are not kept alive.
        let statement = PreparedStatement(
            sql: query.sql, parameterTypes: query.bindings.withoutValues, hash: hash, name: name)
        let oids = query.bindings.types.map(\.oid)
        let result = oids.withUnsafeBufferPointer { oids in
            PQprepare(handle, name, query.sql, Int32(oids.count), oids.baseAddress)
        }
        _ = try check(result, query: query.sql)  // on failure `statement` goes, and frees `name`
        statements.insert(statement)
        return statement
    }

    /// Turns a libpq result into rows, or into the error it reports; frees failed results.
    private func check(_ result: OpaquePointer?, query: String) throws -> PostgresResultStorage {
        let result = try checked(result, query: query)
        return PostgresResultStorage(result: result, columns: .of(result))
    }

    /// Returns `result` when it reports success; otherwise frees it and throws the error it reports.
    private func checked(_ result: OpaquePointer?, query: String) throws -> OpaquePointer {
        guard let result else {
            throw connectionError(query: query)
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return result
        default:
            let error = serverError(result, query: query)
            PQclear(result)
            throw error
        }
    }

    private func connectionError(query: String?) -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmed.replacingNewlines
        if PQstatus(handle) != CONNECTION_OK {
            return PostgresError(.connectionLost, "connection to \(target) lost: \(message)", query: query)
        }
        return PostgresError(.connectionFailed, "libpq failed: \(message)", query: query)
    }

    private func serverError(_ result: OpaquePointer, query: String) -> PostgresError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        guard let sqlState = field("C") else {
            return connectionError(query: query)
        }
        let info = PostgresError.ServerInfo(
            sqlState: sqlState,
            message: field("M") ?? "",
            detail: field("D"),
            hint: field("H"),
            constraintName: field("n"),
            schemaName: field("s"),
            tableName: field("t"),
            columnName: field("c")
        )
        if PQstatus(handle) != CONNECTION_OK {
            return PostgresError(.connectionLost, "connection to \(target) lost", serverInfo: info, query: query)
        }
        if sqlState == "57014" {
            return PostgresError(.cancelled, "statement cancelled", serverInfo: info, query: query)
        }
        return PostgresError(.server, "the server refused the statement", serverInfo: info, query: query)
    }

    // MARK: COPY

    /// Runs `COPY … FROM STDIN`, feeding it what `produce` writes; returns the rows copied.
    ///
    /// `produce` gets a function that sends one chunk of COPY data. When `produce` throws, the
    /// copy is abandoned and the server rolls it back.
    func copyIn(_ sql: String, produce: (_ send: @escaping ([UInt8]) throws -> Void) throws -> Void) throws -> Int {
        try lock.withLock {
            let start = try check(PQexec(handle, sql), query: sql)
            guard PQresultStatus(start.result) == PGRES_COPY_IN else {
                throw PostgresError(.copyFailed, "statement did not start a COPY FROM STDIN", query: sql)
            }
            var producerError: Error?
            do {
                try produce { chunk in
                    let sent = chunk.withUnsafeBytes { raw in
                        PQputCopyData(self.handle, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count))
                    }
                    if sent != 1 { throw self.connectionError(query: sql) }
                }
            } catch {
                producerError = error
            }
            let ended = PQputCopyEnd(handle, producerError == nil ? nil : "aborted by the client")
            var final: Result<Int, Error> = .success(0)
            // Drain every result so the connection is ready for the next statement.
            while let result = PQgetResult(handle) {
                if case .success = final {
                    final = Result { try check(result, query: sql).affectedRows }
                } else {
                    PQclear(result)
                }
            }
            if let producerError { throw producerError }
            if ended != 1 { throw connectionError(query: sql) }
            return try final.get()
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = duplicates.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

extension String {
    var replacingNewlines: String {
        split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.joined(separator: "; ")
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(self.drop(while: \.isWhitespace)).trimmed
    }
}
