import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The audit trail as county_admin reads it; services only ever append to it (see `PostgresAuditSink`).
public struct AuditTrailStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Filters of `ListAuditEvents`; `nil` or empty matches everything.
    public struct Filter: Sendable {
        public var credentialID: Int64?
        public var personID: Int64?
        public var stationID: Int64?
        public var methodSuffix: String?
        public var target: String?
        public var outcome: String?
        public var since: Date?
        public var until: Date?

        public init() {}
    }

    /// A page of events, newest first: the page token holds the oldest id returned.
    public func list(_ filter: Filter, page: PageBounds) async throws -> (events: [RegistryV1.AuditEvent], nextPageToken: String) {
        let before = page.after == 0 ? Int64.max : page.after
        let suffix = filter.methodSuffix.map { "%" + UnitStore.escapeLike($0) }
        let events = try await pool.query(
            """
            SELECT id, at, service, credential_id, role, station_id, person_id, relayed_by, method, targets, request_id, peer,
                   outcome, detail
            FROM audit.event
            WHERE id < \(before)
              AND (\(filter.credentialID)::bigint IS NULL OR credential_id = \(filter.credentialID))
              AND (\(filter.personID)::bigint IS NULL OR person_id = \(filter.personID))
              AND (\(filter.stationID)::bigint IS NULL OR station_id = \(filter.stationID))
              AND (\(suffix)::text IS NULL OR method LIKE \(suffix))
              AND (\(filter.target)::text IS NULL OR targets @> ARRAY[\(filter.target)]::text[])
              AND (\(filter.outcome)::text IS NULL OR outcome = \(filter.outcome))
              AND (\(filter.since)::timestamptz IS NULL OR at >= \(filter.since))
              AND (\(filter.until)::timestamptz IS NULL OR at < \(filter.until))
            ORDER BY id DESC LIMIT \(page.size)
            """
        ).map(Self.decode)
        let token = events.count >= page.size ? events.last.map { PageToken(lastKey: $0.id).text } ?? "" : ""
        return (events, token)
    }

    static func decode(_ row: PostgresRow) throws -> RegistryV1.AuditEvent {
        RegistryV1.AuditEvent(
            id: try row.decode(Int64.self, column: "id"),
            atMs: try row.decode(Date.self, column: "at").unixMilliseconds,
            service: try row.decode(String.self, column: "service"),
            credentialID: try row.decode(Int64?.self, column: "credential_id") ?? 0,
            role: try row.decode(String?.self, column: "role").flatMap(RegistryV1.Role.init(shortName:)) ?? .unspecified,
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0,
            personID: try row.decode(Int64?.self, column: "person_id") ?? 0,
            relayedBy: try row.decode(String?.self, column: "relayed_by") ?? "",
            method: try row.decode(String.self, column: "method"),
            targets: try row.decode([String].self, column: "targets"),
            requestID: try row.decode(String.self, column: "request_id"),
            peer: try row.decode(String.self, column: "peer"),
            outcome: try row.decode(String.self, column: "outcome"),
            detail: try row.decode(String.self, column: "detail"))
    }
}
