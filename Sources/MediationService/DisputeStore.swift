import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoSecurity
import Foundation
import MediationDomain

/// Disputes in PostgreSQL: each filing and each change one transaction, every change checked
/// against the dispute's version under its row lock, so that of two changes made at once from the
/// same version one wins and the other is ABORTED.
public struct DisputeStore: Sendable {
    let pool: PostgresPool
    let cipher: PersonalDataCipher
    /// The follow-up visits an agreement schedules.
    let schedule: FollowUpSchedule

    public init(pool: PostgresPool, cipher: PersonalDataCipher, schedule: FollowUpSchedule = .standard) {
        self.pool = pool
        self.cipher = cipher
        self.schedule = schedule
    }

    // MARK: Filing

    /// A filing, checked, with what the registry said of its units and people.
    struct Filing: Sendable {
        var idempotencyKey: String
        /// SHA-256 of the request as sent, to tell a retry from another filing under the same key.
        var digest: Data
        var stationID: Int64
        var communityID: Int64
        var unitPath: [Int64]
        var gridID: Int64?
        var source: MediationV1.DisputeSource
        var category: DisputeCategory
        var description: String
        var peopleInvolved: Int
        var riskFlags: [RiskFlag]
        var reportedAt: Int64
        var reportedByPersonID: Int64?
        var reportedByName: String
        var filedByPersonID: Int64?
        var filedByCredentialID: Int64
        var handlingLevel: HandlingLevel
        var relatedDisputeID: Int64?
        var parties: [PartyRecord]
    }

    /// Files a dispute, or answers the one filed before under the same key.
    ///
    /// - Returns: the dispute's id, and whether this call filed it.
    func file(_ filing: Filing) async throws -> (id: Int64, created: Bool) {
        do {
            return try await pool.transaction { tx in
                if let existing = try await Self.filed(under: filing.idempotencyKey, digest: filing.digest, on: tx) {
                    return (existing, false)
                }
                return (try await insert(filing, on: tx), true)
            }
        } catch let error as PostgresError where error.isUniqueViolation && error.serverInfo?.constraintName == "dispute_idempotency_key_key" {
            // The same key filed at the same moment by a retry: the other filing won.
            guard let existing = try await Self.filed(under: filing.idempotencyKey, digest: filing.digest, on: pool) else { throw error }
            return (existing, false)
        }
    }

    private static func filed(under key: String, digest: Data, on db: some PostgresQueryable) async throws -> Int64? {
        guard let row = try await db.queryFirst("SELECT id, request_digest FROM mediation.dispute WHERE idempotency_key = \(key)") else {
            return nil
        }
        guard try row.decode(Data.self, column: "request_digest") == digest else { throw MediationError.idempotencyKeyReused }
        return try row.decode(Int64.self, column: "id")
    }

    private func insert(_ filing: Filing, on tx: PostgresTransaction) async throws -> Int64 {
        if let related = filing.relatedDisputeID {
            guard try await tx.queryFirst("SELECT 1 FROM mediation.dispute WHERE id = \(related) FOR UPDATE") != nil else {
                throw MediationError.disputeNotFound(field: "related_dispute_id")
            }
        }
        let sealed = try filing.parties.enumerated().map { index, party in try seal(party) }
        let identities = sealed.map(\.identity)
        let repeatOf = try await earlierDispute(between: identities, reportedAt: filing.reportedAt, on: tx)
        let suggestion = Grading.suggest(.init(
            peopleInvolved: filing.peopleInvolved, riskFlags: Set(filing.riskFlags), category: filing.category,
            repeatWithin180Days: repeatOf != nil))
        let due = StageTimeLimits.dueAt(stage: .screening, level: suggestion.level, enteredAt: filing.reportedAt)
        let flags = filing.riskFlags.map(\.rawValue)
        let id = try await tx.queryValue(
            """
            INSERT INTO mediation.dispute (
                idempotency_key, request_digest, station_id, community_id, unit_path, grid_id, source, category, description,
                people_involved, risk_flags, reported_at, reported_by_person_id, reported_by_name, filed_by_person_id,
                filed_by_credential_id, level, stage, stage_entered_at, handling_level, due_at, related_dispute_ids)
            VALUES (
                \(filing.idempotencyKey), \(filing.digest), \(filing.stationID), \(filing.communityID), \(filing.unitPath), \(filing.gridID),
                \(filing.source.shortName ?? ""), \(filing.category.rawValue), \(filing.description), \(filing.peopleInvolved), \(flags),
                mediation.instant(\(filing.reportedAt)), \(filing.reportedByPersonID), \(filing.reportedByName), \(filing.filedByPersonID),
                \(filing.filedByCredentialID), \(suggestion.level.rawValue), 'screening', mediation.instant(\(filing.reportedAt)),
                \(filing.handlingLevel.rawValue), mediation.instant(\(due)), \(filing.relatedDisputeID.map { [$0] } ?? []))
            RETURNING id
            """, as: Int64.self)
        for (position, party) in sealed.enumerated() {
            try await tx.execute(
                """
                INSERT INTO mediation.party (dispute_id, position, name, role, phone, phone_hash, national_id, national_id_hash,
                    masked_name, masked_phone, masked_national_id, resident_id, person_id, household_id)
                VALUES (\(id), \(position), \(party.name), \(party.role), \(party.phone), \(party.phoneHash), \(party.nationalID),
                    \(party.nationalIDHash), \(party.maskedName), \(party.maskedPhone), \(party.maskedNationalID), \(party.record.residentID),
                    \(party.record.personID), \(party.record.householdID))
                """)
        }
        try await tx.execute(
            """
            INSERT INTO mediation.grade (dispute_id, level, suggested_level, reasons, overridden, people_involved, risk_flags, repeat_of,
                graded_at, graded_by_person_id)
            VALUES (\(id), \(suggestion.level.rawValue), \(suggestion.level.rawValue), \(suggestion.reasons.map(\.code)), false,
                \(filing.peopleInvolved), \(flags), \(repeatOf), now(), \(filing.filedByPersonID))
            """)
        if let related = filing.relatedDisputeID {
            try await tx.execute(
                """
                UPDATE mediation.dispute SET related_dispute_ids = related_dispute_ids || \(id), version = version + 1, updated_at = now()
                WHERE id = \(related)
                """)
        }
        return id
    }

    /// A party's personal data sealed, with its lookup hashes and masked forms.
    struct SealedParty {
        var record: PartyRecord
        var name: String
        var role: String
        var phone: String?
        var phoneHash: Data?
        var nationalID: String?
        var nationalIDHash: Data?
        var maskedName: String
        var maskedPhone: String
        var maskedNationalID: String

        var identity: RepeatDispute.PartyIdentity {
            RepeatDispute.PartyIdentity(
                personID: record.personID, residentID: record.residentID, nationalIDDigest: nationalIDHash.map { $0.base64EncodedString() })
        }
    }

    func seal(_ party: PartyRecord) throws -> SealedParty {
        func sealed(_ value: String?, column: String) throws -> String? {
            try value.map { try cipher.seal($0, field: "mediation.party.\(column)").rawValue }
        }
        return SealedParty(
            record: party, name: try sealed(party.name, column: "name")!, role: party.role.shortName ?? "",
            phone: try sealed(party.phone, column: "phone"),
            phoneHash: party.phone.map { cipher.lookupHash($0, field: PersonalDataKind.phone.rawValue) },
            nationalID: try sealed(party.nationalID, column: "national_id"),
            nationalIDHash: party.nationalID.map { cipher.lookupHash($0, field: PersonalDataKind.nationalID.rawValue) },
            maskedName: PartyName.masked(party.name), maskedPhone: party.phone.map(PersonalDataKind.phone.mask) ?? "",
            maskedNationalID: party.nationalID.map(PersonalDataKind.nationalID.mask) ?? "")
    }

    /// The latest dispute reported in the 180 days before `reportedAt` between the same parties.
    private func earlierDispute(
        between parties: [RepeatDispute.PartyIdentity], reportedAt: Int64, on tx: PostgresTransaction
    ) async throws -> Int64? {
        let personIDs = parties.compactMap(\.personID)
        let residentIDs = parties.compactMap(\.residentID)
        let digests = parties.compactMap(\.nationalIDDigest).compactMap { Data(base64Encoded: $0) }
        guard personIDs.count + residentIDs.count + digests.count >= 2 else { return nil }
        let window = Int64(RepeatDispute.windowDays) * 86_400_000
        let rows = try await tx.query(
            """
            SELECT d.id, mediation.ms(d.reported_at) AS reported_at, p.person_id, p.resident_id, p.national_id_hash
            FROM mediation.dispute d JOIN mediation.party p ON p.dispute_id = d.id
            WHERE d.id IN (
                SELECT dispute_id FROM mediation.party
                WHERE person_id = ANY(\(personIDs)) OR resident_id = ANY(\(residentIDs)) OR national_id_hash = ANY(\(digests)))
              AND d.reported_at BETWEEN mediation.instant(\(reportedAt - window)) AND mediation.instant(\(reportedAt))
            ORDER BY d.reported_at DESC, d.id DESC, p.position
            """)
        var earlier: [(id: Int64, reportedAt: Int64, parties: [RepeatDispute.PartyIdentity])] = []
        for row in rows {
            let id = try row.decode(Int64.self, column: "id")
            let identity = RepeatDispute.PartyIdentity(
                personID: try row.decode(Int64?.self, column: "person_id"), residentID: try row.decode(Int64?.self, column: "resident_id"),
                nationalIDDigest: try row.decode(Data?.self, column: "national_id_hash").map { $0.base64EncodedString() })
            if earlier.last?.id == id {
                earlier[earlier.count - 1].parties.append(identity)
            } else {
                earlier.append((id, try row.decode(Int64.self, column: "reported_at"), [identity]))
            }
        }
        return earlier.first { RepeatDispute.isRepeat(earlierReportedAt: $0.reportedAt, earlierParties: $0.parties, reportedAt: reportedAt, parties: parties) }?.id
    }

    // MARK: Changes

    /// Applies one change to a dispute in a transaction: reads it under its row lock, lets `allow`
    /// refuse a caller who may not touch it, checks its version, runs `body` (which records the
    /// history and changes `state`), saves the state with the next version and its due instant,
    /// and answers the dispute as it now stands.
    func change(
        _ id: Int64, expectedVersion: Int64, allow: (DisputeState) throws -> Void,
        _ body: (PostgresTransaction, inout DisputeState) async throws -> Void
    ) async throws -> MediationV1.Dispute {
        try await pool.transaction { tx in
            guard var state = try await Self.state(of: id, on: tx) else { throw MediationError.disputeNotFound(field: "dispute_id") }
            try allow(state)
            guard state.version == expectedVersion else {
                throw MediationError.versionConflict(expected: expectedVersion, current: state.version)
            }
            try await body(tx, &state)
            try await tx.execute(
                """
                UPDATE mediation.dispute SET version = version + 1, people_involved = \(state.peopleInvolved),
                    risk_flags = \(state.riskFlags.map(\.rawValue)), level = \(state.level.rawValue), stage = \(state.stage.rawValue),
                    stage_entered_at = mediation.instant(\(state.stageEnteredAt)), handling_level = \(state.handlingLevel.rawValue),
                    escalated_beyond_station = \(state.escalatedBeyondStation), mediator_ids = \(state.mediatorIDs),
                    related_dispute_ids = \(state.relatedDisputeIDs), due_at = mediation.instant(\(state.dueAt)), updated_at = now()
                WHERE id = \(id)
                """)
            guard let dispute = try await disputes([id], on: tx).first else { throw MediationError.disputeNotFound(field: "dispute_id") }
            return dispute
        }
    }

    /// The state of a dispute, its row locked until the transaction ends; `nil` when there is none.
    static func state(of id: Int64, on tx: PostgresTransaction) async throws -> DisputeState? {
        guard let row = try await tx.queryFirst(
            """
            SELECT id, version, station_id, community_id, category, people_involved, risk_flags, level, stage,
                mediation.ms(stage_entered_at) AS stage_entered_at, mediation.ms(reported_at) AS reported_at, handling_level,
                escalated_beyond_station, mediator_ids, related_dispute_ids
            FROM mediation.dispute WHERE id = \(id) FOR UPDATE
            """)
        else { return nil }
        let agreement = try await tx.queryFirst(
            "SELECT id, mediation.ms(signed_at) AS signed_at FROM mediation.agreement WHERE dispute_id = \(id) AND superseded_at IS NULL")
        let failed = try await tx.queryFirst("SELECT 1 FROM mediation.failure WHERE dispute_id = \(id)") != nil
        let visits = try await tx.query(
            """
            SELECT id, due_date::text AS due_date FROM mediation.follow_up
            WHERE dispute_id = \(id) AND result IS NULL AND NOT cancelled ORDER BY due_date, id
            """)
        func kind<T: RawRepresentable>(_ column: String, _: T.Type) throws -> T where T.RawValue == String {
            let text = try row.decode(String.self, column: column)
            guard let value = T(rawValue: text) else { throw PostgresError(.decoding, "unknown \(column) \(text)") }
            return value
        }
        return DisputeState(
            id: id, version: try row.decode(Int64.self, column: "version"), stationID: try row.decode(Int64.self, column: "station_id"),
            communityID: try row.decode(Int64.self, column: "community_id"), category: try kind("category", DisputeCategory.self),
            peopleInvolved: Int(try row.decode(Int32.self, column: "people_involved")),
            riskFlags: try row.decode([String].self, column: "risk_flags").compactMap(RiskFlag.init(rawValue:)),
            level: DisputeLevel(rawValue: Int(try row.decode(Int32.self, column: "level"))) ?? .one,
            stage: try kind("stage", DisputeStage.self), stageEnteredAt: try row.decode(Int64.self, column: "stage_entered_at"),
            reportedAt: try row.decode(Int64.self, column: "reported_at"), handlingLevel: try kind("handling_level", HandlingLevel.self),
            escalatedBeyondStation: try row.decode(Bool.self, column: "escalated_beyond_station"),
            mediatorIDs: try row.decode([Int64].self, column: "mediator_ids"),
            relatedDisputeIDs: try row.decode([Int64].self, column: "related_dispute_ids"),
            agreement: try agreement.map { (try $0.decode(Int64.self, column: "id"), try $0.decode(Int64.self, column: "signed_at")) },
            failed: failed,
            pendingVisits: try visits.map { row in
                (try row.decode(Int64.self, column: "id"), CalendarDate(try row.decode(String.self, column: "due_date"))!)
            })
    }
}
