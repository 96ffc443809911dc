/// An error from the PostgreSQL layer: a code, what the server said, and the statement at fault.
///
/// `description` names the code, the SQLSTATE and the constraint only, because server messages and
/// details can quote the values of a row (a phone number, a name). `debugDescription` has everything
/// and is for the developer's eyes, never for an RPC answer.
///
/// ```swift
/// do {
///     try await pool.execute("INSERT INTO registry.unit (code) VALUES (\(code))")
/// } catch let error as PostgresError where error.isUniqueViolation {
///     throw RegistryError(.unitCodeTaken, field: "code")
/// }
/// ```
public struct PostgresError: Error, Sendable {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Base: Hashable, Sendable {
            case invalidConfiguration
            case unreachable
            case authenticationFailed
            case databaseMissing
            case connectionFailed
            case connectionLost
            case server
            case cancelled
            case decoding
            case poolTimeout
            case poolClosed
            case migrationChanged
            case migrationFailed
            case copyFailed
        }

        let base: Base

        /// The connection string or URL could not be read.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)
        /// No server answered at the host and port.
        public static let unreachable = Code(base: .unreachable)
        /// The server refused the user name or password.
        public static let authenticationFailed = Code(base: .authenticationFailed)
        /// The named database does not exist.
        public static let databaseMissing = Code(base: .databaseMissing)
        /// Connecting failed for another reason.
        public static let connectionFailed = Code(base: .connectionFailed)
        /// An open connection broke, for example because the server restarted.
        public static let connectionLost = Code(base: .connectionLost)
        /// The server refused the statement; `serverInfo` says why.
        public static let server = Code(base: .server)
        /// The statement was cancelled because the calling task was.
        public static let cancelled = Code(base: .cancelled)
        /// A column's value could not be decoded as the Swift type asked for.
        public static let decoding = Code(base: .decoding)
        /// No pooled connection became free before the acquire timeout.
        public static let poolTimeout = Code(base: .poolTimeout)
        /// The pool was closed.
        public static let poolClosed = Code(base: .poolClosed)
        /// A migration that was already applied has different text now.
        public static let migrationChanged = Code(base: .migrationChanged)
        /// A migration could not be applied.
        public static let migrationFailed = Code(base: .migrationFailed)
        /// A bulk copy failed.
        public static let copyFailed = Code(base: .copyFailed)

        public var description: String {
            switch base {
            case .invalidConfiguration: "invalid configuration"
            case .unreachable: "server unreachable"
            case .authenticationFailed: "authentication failed"
            case .databaseMissing: "database missing"
            case .connectionFailed: "connection failed"
            case .connectionLost: "connection lost"
            case .server: "server error"
            case .cancelled: "cancelled"
            case .decoding: "decoding failed"
            case .poolTimeout: "pool timeout"
            case .poolClosed: "pool closed"
            case .migrationChanged: "migration changed"
            case .migrationFailed: "migration failed"
            case .copyFailed: "copy failed"
            }
        }
    }

    /// The fields of a PostgreSQL error report.
    public struct ServerInfo: Sendable, Hashable {
        /// The five-character SQLSTATE, such as `23505`.
        public var sqlState: String
        /// The primary message. It can quote input values.
        public var message: String
        /// The detail line, if any. It can quote row values.
        public var detail: String?
        /// The hint line, if any.
        public var hint: String?
        /// The constraint at fault, for integrity violations.
        public var constraintName: String?
        /// The schema of the object at fault.
        public var schemaName: String?
        /// The table of the object at fault.
        public var tableName: String?
        /// The column at fault.
        public var columnName: String?

        public init(
            sqlState: String, message: String, detail: String? = nil, hint: String? = nil,
            constraintName: String? = nil, schemaName: String? = nil, tableName: String? = nil,
            columnName: String? = nil
        ) {
            self.sqlState = sqlState
            self.message = message
            self.detail = detail
            self.hint = hint
            self.constraintName = constraintName
            self.schemaName = schemaName
            self.tableName = tableName
            self.columnName = columnName
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// Our own explanation; it holds no row values and no password.
    public var reason: String
    /// What the server reported, for `.server` errors and some connection errors.
    public var serverInfo: ServerInfo?
    /// The SQL text of the statement at fault (never its bound values).
    public var query: String?

    public init(_ code: Code, _ reason: String, serverInfo: ServerInfo? = nil, query: String? = nil) {
        self.code = code
        self.reason = reason
        self.serverInfo = serverInfo
        self.query = query
    }

    /// The SQLSTATE reported by the server, if any.
    public var sqlState: String? { serverInfo?.sqlState }

    /// A unique constraint was violated (`23505`): answer ALREADY_EXISTS.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// A foreign key was violated (`23503`): answer NOT_FOUND or FAILED_PRECONDITION.
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// A check constraint was violated (`23514`).
    public var isCheckViolation: Bool { sqlState == "23514" }
    /// A NOT NULL constraint was violated (`23502`).
    public var isNotNullViolation: Bool { sqlState == "23502" }
    /// The transaction could not be serialized (`40001`): retry it, or answer ABORTED.
    public var isSerializationFailure: Bool { sqlState == "40001" }
    /// The transaction was chosen as a deadlock victim (`40P01`): retry it, or answer ABORTED.
    public var isDeadlock: Bool { sqlState == "40P01" }
    /// Running the same transaction again may succeed.
    public var isRetryableTransactionFailure: Bool { isSerializationFailure || isDeadlock }
    /// The connection or the server went away, so the database is unavailable for now.
    public var isUnavailable: Bool {
        switch code.base {
        case .unreachable, .connectionLost, .connectionFailed, .poolTimeout, .poolClosed: true
        case .server: sqlState?.hasPrefix("08") == true || sqlState?.hasPrefix("57P") == true
        default: false
        }
    }
}

extension PostgresError: CustomStringConvertible {
    public var description: String {
        var text = "PostgresError(\(code)"
        if let serverInfo {
            text += ", sqlState: \(serverInfo.sqlState)"
            if let constraint = serverInfo.constraintName { text += ", constraint: \(constraint)" }
        }
        return text + ")"
    }
}

extension PostgresError: CustomDebugStringConvertible {
    public var debugDescription: String {
        var parts = ["code: \(code)", "reason: \(reason)"]
        if let info = serverInfo {
            parts.append("sqlState: \(info.sqlState)")
            parts.append("message: \(info.message)")
            if let detail = info.detail { parts.append("detail: \(detail)") }
            if let hint = info.hint { parts.append("hint: \(hint)") }
            if let constraint = info.constraintName { parts.append("constraint: \(constraint)") }
            if let table = info.tableName { parts.append("table: \(table)") }
            if let column = info.columnName { parts.append("column: \(column)") }
        }
        if let query { parts.append("query: \(query)") }
        return "PostgresError(" + parts.joined(separator: ", ") + ")"
    }
}
