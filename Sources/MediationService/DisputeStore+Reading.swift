import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import Foundation
import MediationDomain

/// Which disputes a list, an export or the overdue list covers; every filter given must match.
struct DisputeQuery: Sendable {
    var stationID: Int64 = 0
    var unitID: Int64 = 0
    var stages: [String] = []
    var levels: [Int32] = []
    var categories: [String] = []
    var mediatorPersonID: Int64 = 0
    var reportedSince: Int64?
    var reportedUntil: Int64?
    var overdueOnly = false
    var escalatedOnly = false
    /// The instant "overdue" is judged at.
    var now: Int64

    /// The filter as a condition on `mediation.dispute` (aliased `d`).
    var condition: PostgresQuery {
        """
        (\(stationID) = 0 OR d.station_id = \(stationID))
        AND (\(unitID) = 0 OR d.unit_path @> ARRAY[\(unitID)]::bigint[])
        AND (cardinality(\(stages)::text[]) = 0 OR d.stage = ANY(\(stages)))
        AND (cardinality(\(levels)::int[]) = 0 OR d.level = ANY(\(levels)))
        AND (cardinality(\(categories)::text[]) = 0 OR d.category = ANY(\(categories)))
        AND (\(mediatorPersonID) = 0 OR d.mediator_ids @> ARRAY[\(mediatorPersonID)]::bigint[])
        AND (\(reportedSince)::bigint IS NULL OR d.reported_at >= mediation.instant(\(reportedSince)))
        AND (\(reportedUntil)::bigint IS NULL OR d.reported_at < mediation.instant(\(reportedUntil)))
        AND (NOT \(overdueOnly) OR d.due_at < mediation.instant(\(now)))
        AND (NOT \(escalatedOnly) OR d.escalated_beyond_station)
        """
    }
}

extension DisputeStore {
    /// The disputes with these ids as they stand, by id; ids not found are left out.
    func disputes(_ ids: [Int64], on db: some PostgresQueryable, now: Int64 = Self.now()) async throws -> [MediationV1.Dispute] {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.query(
            """
            SELECT id, version, station_id, community_id, coalesce(grid_id, 0) AS grid_id, source, category, description, people_involved,
                risk_flags, mediation.ms(reported_at) AS reported_at, coalesce(reported_by_person_id, 0) AS reported_by_person_id,
                reported_by_name, mediation.ms(filed_at) AS filed_at, coalesce(filed_by_person_id, 0) AS filed_by_person_id, stage,
                mediation.ms(stage_entered_at) AS stage_entered_at, mediation.ms(due_at) AS due_at, handling_level,
                escalated_beyond_station, related_dispute_ids
            FROM mediation.dispute WHERE id = ANY(\(ids)) ORDER BY id
            """)
        var disputes: [Int64: MediationV1.Dispute] = [:]
        var order: [Int64] = []
        for row in rows {
            let id = try row.decode(Int64.self, column: "id")
            let due = try row.decode(Int64?.self, column: "due_at")
            order.append(id)
            disputes[id] = MediationV1.Dispute(
                id: id, version: try row.decode(Int64.self, column: "version"), stationID: try row.decode(Int64.self, column: "station_id"),
                communityID: try row.decode(Int64.self, column: "community_id"), gridID: try row.decode(Int64.self, column: "grid_id"),
                source: MediationV1.DisputeSource(shortName: try row.decode(String.self, column: "source")) ?? .unspecified,
                category: CommonV1.DisputeCategory(shortName: try row.decode(String.self, column: "category")) ?? .unspecified,
                description: try row.decode(String.self, column: "description"),
                peopleInvolved: try row.decode(Int32.self, column: "people_involved"),
                riskFlags: try row.decode([String].self, column: "risk_flags").compactMap(MediationV1.RiskFlag.init(shortName:)),
                reportedAtMs: try row.decode(Int64.self, column: "reported_at"),
                reportedByPersonID: try row.decode(Int64.self, column: "reported_by_person_id"),
                reportedByName: try row.decode(String.self, column: "reported_by_name"),
                filedAtMs: try row.decode(Int64.self, column: "filed_at"),
                filedByPersonID: try row.decode(Int64.self, column: "filed_by_person_id"),
                stage: MediationV1.DisputeStage(shortName: try row.decode(String.self, column: "stage")) ?? .unspecified,
                stageEnteredAtMs: try row.decode(Int64.self, column: "stage_entered_at"),
                dueAtMs: due ?? 0, overdue: due.map { now > $0 } ?? false,
                handlingLevel: MediationV1.HandlingLevel(shortName: try row.decode(String.self, column: "handling_level")) ?? .unspecified,
                escalatedBeyondStation: try row.decode(Bool.self, column: "escalated_beyond_station"),
                relatedDisputeIDs: try row.decode([Int64].self, column: "related_dispute_ids"))
        }
        for row in try await db.query(
            """
            SELECT id, dispute_id, masked_name, role, masked_phone, masked_national_id, coalesce(resident_id, 0) AS resident_id,
                coalesce(person_id, 0) AS person_id, coalesce(household_id, 0) AS household_id
            FROM mediation.party WHERE dispute_id = ANY(\(ids)) ORDER BY dispute_id, position
            """)
        {
            disputes[try row.decode(Int64.self, column: "dispute_id")]?.parties.append(MediationV1.Party(
                id: try row.decode(Int64.self, column: "id"), name: try row.decode(String.self, column: "masked_name"),
                role: MediationV1.PartyRole(shortName: try row.decode(String.self, column: "role")) ?? .unspecified,
                phone: try row.decode(String.self, column: "masked_phone"),
                nationalID: try row.decode(String.self, column: "masked_national_id"),
                residentID: try row.decode(Int64.self, column: "resident_id"), personID: try row.decode(Int64.self, column: "person_id"),
                householdID: try row.decode(Int64.self, column: "household_id")))
        }
        for row in try await db.query(
            """
            SELECT DISTINCT ON (dispute_id) dispute_id, \(unsafeRaw: DisputeRows.gradeColumns)
            FROM mediation.grade WHERE dispute_id = ANY(\(ids)) ORDER BY dispute_id, id DESC
            """)
        {
            disputes[try row.decode(Int64.self, column: "dispute_id")]?.grade = try DisputeRows.grade(row)
        }
        for row in try await db.query(
            """
            SELECT dispute_id, \(unsafeRaw: DisputeRows.assignmentColumns)
            FROM mediation.assignment WHERE dispute_id = ANY(\(ids)) AND ended_at IS NULL
            """)
        {
            disputes[try row.decode(Int64.self, column: "dispute_id")]?.assignment = try DisputeRows.assignment(row)
        }
        for row in try await db.query(
            """
            SELECT dispute_id, \(unsafeRaw: DisputeRows.agreementColumns)
            FROM mediation.agreement WHERE dispute_id = ANY(\(ids)) AND superseded_at IS NULL
            """)
        {
            disputes[try row.decode(Int64.self, column: "dispute_id")]?.agreement = try DisputeRows.agreement(row)
        }
        for row in try await db.query(
            "SELECT dispute_id, \(unsafeRaw: DisputeRows.failureColumns) FROM mediation.failure WHERE dispute_id = ANY(\(ids))")
        {
            disputes[try row.decode(Int64.self, column: "dispute_id")]?.failure = try DisputeRows.failure(row)
        }
        for row in try await db.query(
            """
            SELECT dispute_id, min(due_date)::text AS due_date FROM mediation.follow_up
            WHERE dispute_id = ANY(\(ids)) AND result IS NULL AND NOT cancelled GROUP BY dispute_id
            """)
        {
            disputes[try row.decode(Int64.self, column: "dispute_id")]?.nextFollowUpDate =
                CalendarDate(try row.decode(String.self, column: "due_date")).map(CommonV1.Date.init)
        }
        return order.compactMap { disputes[$0] }
    }

    /// One dispute, or `nil`.
    func dispute(_ id: Int64) async throws -> MediationV1.Dispute? {
        try await disputes([id], on: pool).first
    }

    /// Everything that happened to a dispute, oldest first.
    func history(_ id: Int64) async throws -> MediationV1.DisputeHistory {
        try await pool.withConnection { db in
            var history = MediationV1.DisputeHistory()
            history.grades = try await db.query(
                "SELECT \(unsafeRaw: DisputeRows.gradeColumns) FROM mediation.grade WHERE dispute_id = \(id) ORDER BY id"
            ).map(DisputeRows.grade)
            history.assignments = try await db.query(
                "SELECT \(unsafeRaw: DisputeRows.assignmentColumns) FROM mediation.assignment WHERE dispute_id = \(id) ORDER BY id"
            ).map(DisputeRows.assignment)
            history.stageMoves = try await db.query(
                """
                SELECT from_stage, to_stage, mediation.ms(moved_at) AS moved_at, coalesce(moved_by_person_id, 0) AS moved_by, note, version
                FROM mediation.stage_move WHERE dispute_id = \(id) ORDER BY id
                """
            ).map(DisputeRows.stageMove)
            history.escalations = try await db.query(
                """
                SELECT from_level, to_level, departments, other_department, reason, beyond_station,
                    mediation.ms(escalated_at) AS escalated_at, coalesce(escalated_by_person_id, 0) AS escalated_by
                FROM mediation.escalation WHERE dispute_id = \(id) ORDER BY id
                """
            ).map(DisputeRows.escalation)
            history.agreements = try await db.query(
                "SELECT \(unsafeRaw: DisputeRows.agreementColumns) FROM mediation.agreement WHERE dispute_id = \(id) ORDER BY id"
            ).map(DisputeRows.agreement)
            history.followUps = try await db.query(
                "SELECT \(unsafeRaw: DisputeRows.followUpColumns) FROM mediation.follow_up WHERE dispute_id = \(id) ORDER BY id"
            ).map(DisputeRows.followUp)
            return history
        }
    }

    /// A page of the disputes matching `query`, by id, and the next page's token.
    func list(_ query: DisputeQuery, page: PageBounds) async throws -> (disputes: [MediationV1.Dispute], nextPageToken: String) {
        let ids = try await pool.query(
            """
            SELECT d.id FROM mediation.dispute d WHERE \(fragment: query.condition) AND d.id > \(page.after) ORDER BY d.id LIMIT \(page.size + 1)
            """
        ).map { try $0.decode(Int64.self, at: 0) }
        let shown = Array(ids.prefix(page.size))
        let next = ids.count > page.size ? PageToken(lastKey: shown.last!).text : ""
        return (try await disputes(shown, on: pool, now: query.now), next)
    }

    /// Calls `body` with every dispute matching `query`, by id, a batch at a time; `body` may take
    /// its time (a slow reader), since no connection is held between batches.
    func export(_ query: DisputeQuery, batch: Int = 200, _ body: (MediationV1.Dispute) async throws -> Void) async throws {
        var after: Int64 = 0
        while true {
            let page = try await list(query, page: PageBounds(size: batch, after: after))
            for dispute in page.disputes { try await body(dispute) }
            guard !page.nextPageToken.isEmpty, let last = page.disputes.last else { return }
            after = last.id
        }
    }

    /// The disputes overdue at `query.now`, earliest due first, then by id, after `token`'s place.
    func overdue(_ query: DisputeQuery, size: Int, after token: OverdueToken?) async throws -> (disputes: [MediationV1.OverdueDispute], next: OverdueToken?) {
        let afterDue = token?.dueAt ?? Int64.min
        let afterID = token?.id ?? 0
        let rows = try await pool.query(
            """
            SELECT d.id, mediation.ms(d.due_at) AS due_at FROM mediation.dispute d
            WHERE \(fragment: query.condition) AND d.due_at < mediation.instant(\(query.now))
              AND (mediation.ms(d.due_at), d.id) > (\(afterDue), \(afterID))
            ORDER BY d.due_at, d.id LIMIT \(size + 1)
            """)
        var keys = try rows.map { (id: try $0.decode(Int64.self, column: "id"), dueAt: try $0.decode(Int64.self, column: "due_at")) }
        let more = keys.count > size
        keys = Array(keys.prefix(size))
        let byID = Dictionary(uniqueKeysWithValues: try await disputes(keys.map { $0.id }, on: pool, now: query.now).map { ($0.id, $0) })
        let overdue = keys.compactMap { key -> MediationV1.OverdueDispute? in
            guard let dispute = byID[key.id] else { return nil }
            var limitHours: Int32 = 0
            if let stage = dispute.stage.domain, let level = DisputeLevel(rawValue: Int(dispute.grade?.level ?? 1)),
                StageTimeLimits.dueAt(stage: stage, level: level, enteredAt: dispute.stageEnteredAtMs) == key.dueAt
            {
                limitHours = Int32(StageTimeLimits.limitHours(stage: stage, level: level) ?? 0)
            }
            return MediationV1.OverdueDispute(dispute: dispute, limitHours: limitHours, dueAtMs: key.dueAt, overdueByMs: query.now - key.dueAt)
        }
        return (overdue, more ? keys.last.map { OverdueToken(dueAt: $0.dueAt, id: $0.id) } : nil)
    }

    /// How many disputes in screening, intervention or joint mediation each person leads.
    func openCases(ledBy personIDs: [Int64]) async throws -> [Int64: Int32] {
        let rows = try await pool.query(
            """
            SELECT mediator_ids[1] AS lead, count(*)::int AS open FROM mediation.dispute
            WHERE mediator_ids[1] = ANY(\(personIDs)) AND stage IN ('screening', 'intervention', 'joint_mediation')
            GROUP BY mediator_ids[1]
            """)
        var open = Dictionary(uniqueKeysWithValues: personIDs.map { ($0, Int32(0)) })
        for row in rows { open[try row.decode(Int64.self, column: "lead")] = try row.decode(Int32.self, column: "open") }
        return open
    }

    /// Now, in Unix milliseconds.
    static func now() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }
}

/// Where the next page of the overdue list starts: the due instant and id of the last row shown.
/// Opaque to clients: `o1.<due>.<id>` in base-36 digits.
struct OverdueToken: Hashable, Sendable {
    var dueAt: Int64
    var id: Int64

    var text: String { "o1." + String(dueAt, radix: 36) + "." + String(id, radix: 36) }

    init(dueAt: Int64, id: Int64) {
        self.dueAt = dueAt
        self.id = id
    }

    init?(text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "o1", let due = Int64(parts[1], radix: 36), let id = Int64(parts[2], radix: 36), id >= 0 else {
            return nil
        }
        self.init(dueAt: due, id: id)
    }
}
