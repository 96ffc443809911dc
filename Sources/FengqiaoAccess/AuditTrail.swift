import FengqiaoPostgres
import FengqiaoRPC
import NIOConcurrencyHelpers
import NIOCore

/// One call as the audit trail keeps it: who called, from where, what it named, how it ended.
///
/// Never a payload and never personal data: the records a request named appear by id or code
/// (`resident:42`, `unit:QS-CG`), and `detail` holds only what a handler adds on purpose, such as
/// the field and reason of a reveal.
public struct AuditEvent: Sendable, Hashable {
    public var service: String
    /// The credential presented; `nil` when none was valid.
    public var credentialID: Int64?
    public var role: Role?
    public var stationID: Int64?
    public var personID: Int64?
    public var relayedBy: String?
    public var method: String
    public var targets: [String]
    public var requestID: String
    /// `ip:port`, or empty when the transport does not know.
    public var peer: String
    /// The status code's name: `OK`, `NOT_FOUND`, ….
    public var outcome: String
    public var detail: String

    public init(
        service: String, credentialID: Int64? = nil, role: Role? = nil, stationID: Int64? = nil, personID: Int64? = nil,
        relayedBy: String? = nil, method: String, targets: [String] = [], requestID: String, peer: String = "",
        outcome: String, detail: String = ""
    ) {
        self.service = service
        self.credentialID = credentialID
        self.role = role
        self.stationID = stationID
        self.personID = personID
        self.relayedBy = relayedBy
        self.method = method
        self.targets = targets
        self.requestID = requestID
        self.peer = peer
        self.outcome = outcome
        self.detail = detail
    }

    /// Copies who the caller is into the event.
    mutating func attribute(to caller: Caller) {
        credentialID = caller.credentialID
        role = caller.role
        stationID = caller.stationID
        personID = caller.personID
        relayedBy = caller.relayedBy
    }
}

/// Where audit events go.
public protocol AuditSink: Sendable {
    /// Stores one event; returns once it is stored.
    func record(_ event: AuditEvent) async throws
}

/// Writes audit events into `audit.event` (created by the registry's migrations), one autocommit
/// insert each, on the service's own pool: its login may insert there and do nothing else.
public struct PostgresAuditSink: AuditSink {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func record(_ event: AuditEvent) async throws {
        try await pool.execute(
            """
            INSERT INTO audit.event (service, credential_id, role, station_id, person_id, relayed_by, method, targets,
                                     request_id, peer, outcome, detail)
            VALUES (\(event.service), \(event.credentialID), \(event.role?.rawValue), \(event.stationID), \(event.personID),
                    \(event.relayedBy), \(event.method), \(event.targets), \(event.requestID), \(event.peer), \(event.outcome),
                    \(event.detail))
            """)
    }
}

/// Keeps audit events in memory: for tests of the access layer without a database.
public final class MemoryAuditSink: AuditSink {
    private let stored = NIOLockedValueBox<[AuditEvent]>([])

    public init() {}

    public func record(_ event: AuditEvent) async throws {
        stored.withLockedValue { $0.append(event) }
    }

    /// The events recorded so far, oldest first.
    public var events: [AuditEvent] {
        stored.withLockedValue { $0 }
    }
}

/// What the access layer attaches to a call's context: the verified caller, and a note the handler
/// may add to the call's audit event.
final class CallerIdentity: Sendable {
    let caller: Caller
    private let note = NIOLockedValueBox("")

    init(caller: Caller) {
        self.caller = caller
    }

    var auditDetail: String {
        get { note.withLockedValue { $0 } }
        set { note.withLockedValue { $0 = newValue } }
    }
}

extension ServerContext {
    /// Adds a note to this call's audit event, such as the field and reason of a reveal. Never
    /// put personal data here.
    public func noteForAudit(_ detail: String) {
        (identity as? CallerIdentity)?.auditDetail = detail
    }
}

extension SocketAddress {
    /// `ip:port` for the audit trail.
    var auditText: String {
        switch self {
        case .v4:
            "\(ipAddress ?? "?"):\(port ?? 0)"
        case .v6:
            "[\(ipAddress ?? "?")]:\(port ?? 0)"
        case .unixDomainSocket:
            "unix"
        }
    }
}
