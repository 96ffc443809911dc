import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres

/// Mediator profiles, and the ranking of candidates for a dispute (`MediatorRanking`).
public struct MediatorStore: Sendable {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// A validated profile.
    public struct Profile: Sendable {
        public var personID: Int64
        public var tier: RegistryV1.MediatorTier
        public var force: RegistryV1.MediationForce
        public var categories: [CommonV1.DisputeCategory]
        public var communityIDs: [Int64]
        public var maximumOpenCases: Int32

        public init(
            personID: Int64, tier: RegistryV1.MediatorTier, force: RegistryV1.MediationForce,
            categories: [CommonV1.DisputeCategory], communityIDs: [Int64], maximumOpenCases: Int32
        ) {
            self.personID = personID
            self.tier = tier
            self.force = force
            self.categories = categories
            self.communityIDs = communityIDs
            self.maximumOpenCases = maximumOpenCases
        }
    }

    /// Creates or replaces a person's mediator profile, keeping the open-case count mediation
    /// reported.
    ///
    /// - Throws: `RegistryError` `.notFound` (`person_id`, `community_ids`), `.failedPrecondition`
    ///   for an inactive person.
    public func set(_ profile: Profile) async throws -> RegistryV1.MediatorProfile {
        try await pool.transaction { tx in
            let person = try await PersonStore.standing(profile.personID, on: tx, lock: true, field: "person_id")
            guard person.active else {
                throw RegistryError(.failedPrecondition, field: "person_id", "the person is inactive")
            }
            let communities = Array(Set(profile.communityIDs)).sorted()
            let known = try await tx.queryValue(
                "SELECT count(*) FROM registry.unit WHERE id = ANY(\(communities))", as: Int.self)
            guard known == communities.count else { throw RegistryError.notFound("community_ids", "community") }
            let categories = Array(Set(profile.categories.compactMap(\.shortName))).sorted()
            try await tx.execute(
                """
                INSERT INTO registry.mediator (person_id, tier, force, categories, community_ids, max_open_cases)
                VALUES (\(profile.personID), \(profile.tier.shortName ?? ""), \(profile.force.shortName ?? "other"), \(categories), \(communities), \(profile.maximumOpenCases))
                ON CONFLICT (person_id) DO UPDATE SET tier = EXCLUDED.tier, force = EXCLUDED.force,
                    categories = EXCLUDED.categories, community_ids = EXCLUDED.community_ids,
                    max_open_cases = EXCLUDED.max_open_cases, updated_at = now()
                """)
            return try await Self.fetch(profile.personID, on: tx)
        }
    }

    /// Records how many open cases mediation counts for a mediator.
    public func reportLoad(personID: Int64, openCases: Int32) async throws -> RegistryV1.MediatorProfile {
        try await pool.transaction { tx in
            let updated = try await tx.execute(
                "UPDATE registry.mediator SET open_cases = \(openCases), updated_at = now() WHERE person_id = \(personID)")
            guard updated == 1 else { throw RegistryError.notFound("person_id", "mediator profile") }
            return try await Self.fetch(personID, on: tx)
        }
    }

    /// Active mediators of the dispute's station (and county-level ones), ranked best first.
    ///
    /// - Parameter stationID: the station whose mediators to rank; 0 for the community's.
    /// - Throws: `RegistryError` `.notFound` (`community_id`, `station_id`).
    public func candidates(
        level: Int, category: CommonV1.DisputeCategory, communityID: Int64, excluded: Set<Int64>, stationID: Int64, limit: Int
    ) async throws -> [RegistryV1.MediatorCandidate] {
        let community = try await UnitStore.fetch(communityID, on: pool, field: "community_id")
        let station = stationID != 0 ? try await UnitStore.fetch(stationID, on: pool, field: "station_id").id : community.stationID
        let rows = try await pool.query(
            """
            SELECT \(unsafeRaw: Self.columns)
            FROM registry.mediator m JOIN registry.person p ON p.id = m.person_id JOIN registry.unit u ON u.id = p.home_unit_id
            WHERE p.active AND (u.station_id = \(station) OR u.station_id IS NULL)
            """)
        var profiles: [Int64: RegistryV1.MediatorProfile] = [:]
        var inputs: [MediatorRanking.Mediator] = []
        for row in rows {
            let profile = try Self.decode(row)
            profiles[profile.personID] = profile
            inputs.append(MediatorRanking.Mediator(
                personID: profile.personID, tier: MediatorTier(rawValue: Int(profile.tier.rawValue)) ?? .tin,
                categories: Set(profile.categories.compactMap(\.shortName)), communityIDs: Set(profile.communityIDs),
                maximumOpenCases: Int(profile.maxOpenCases), openCases: Int(profile.openCases)))
        }
        let dispute = MediatorRanking.Dispute(level: level, category: category.shortName ?? "", communityID: communityID, excludedPersonIDs: excluded)
        return MediatorRanking.rank(inputs, for: dispute, limit: limit).map { candidate in
            RegistryV1.MediatorCandidate(
                mediator: profiles[candidate.mediator.personID], rank: Int32(candidate.rank), score: Int32(candidate.score),
                tierFits: candidate.tierFits, reasons: candidate.reasons)
        }
    }

    // MARK: Rows

    static let columns = """
        m.person_id, p.name AS person_name, m.tier, m.force, m.categories, m.community_ids, m.max_open_cases, m.open_cases, u.station_id
        """

    static func fetch(_ personID: Int64, on db: some PostgresQueryable) async throws -> RegistryV1.MediatorProfile {
        guard let row = try await db.queryFirst(
            """
            SELECT \(unsafeRaw: columns) FROM registry.mediator m JOIN registry.person p ON p.id = m.person_id
            JOIN registry.unit u ON u.id = p.home_unit_id WHERE m.person_id = \(personID)
            """)
        else { throw RegistryError.notFound("person_id", "mediator profile") }
        return try decode(row)
    }

    static func decode(_ row: PostgresRow) throws -> RegistryV1.MediatorProfile {
        RegistryV1.MediatorProfile(
            personID: try row.decode(Int64.self, column: "person_id"),
            personName: try row.decode(String.self, column: "person_name"),
            tier: RegistryV1.MediatorTier(shortName: try row.decode(String.self, column: "tier")) ?? .unspecified,
            force: RegistryV1.MediationForce(shortName: try row.decode(String.self, column: "force")) ?? .other,
            categories: try row.decode([String].self, column: "categories").compactMap(CommonV1.DisputeCategory.init(shortName:)),
            communityIDs: try row.decode([Int64].self, column: "community_ids"),
            maxOpenCases: try row.decode(Int32.self, column: "max_open_cases"),
            openCases: try row.decode(Int32.self, column: "open_cases"),
            stationID: try row.decode(Int64?.self, column: "station_id") ?? 0)
    }
}
