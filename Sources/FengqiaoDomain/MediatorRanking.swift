/// A mediator's tier (金银铜铁锡), from most to least able.
public enum MediatorTier: Int, CaseIterable, Comparable, Hashable, Sendable, CustomStringConvertible {
    case gold = 1
    case silver = 2
    case copper = 3
    case iron = 4
    case tin = 5

    /// The least able tier that may lead a dispute of a level (1 simplest … 5 gravest):
    ///
    /// | level | needs at least |
    /// | --- | --- |
    /// | 5 | gold |
    /// | 4 | silver |
    /// | 3 | copper |
    /// | 2 | iron |
    /// | 1 | tin |
    public static func minimum(forLevel level: Int) -> MediatorTier {
        MediatorTier(rawValue: 6 - min(max(level, 1), 5))!
    }

    /// Whether this tier may lead a dispute of `level` without an override.
    public func fits(level: Int) -> Bool {
        self <= Self.minimum(forLevel: level)
    }

    /// Gold is the smallest: "at least silver" means `tier <= .silver`.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .gold: "gold"
        case .silver: "silver"
        case .copper: "copper"
        case .iron: "iron"
        case .tin: "tin"
        }
    }
}

/// Ranks mediators for a dispute, and says why each ranks where it does.
///
/// Rules (each scored rule adds a reason line):
///
/// | rule | points |
/// | --- | --- |
/// | the tier may lead the dispute's level (`MediatorTier.minimum(forLevel:)`) | +40 |
/// | each tier above the minimum (keeps the ablest free for grave disputes) | −5 |
/// | handles the dispute's category | +30 |
/// | knows the dispute's community or village | +20 |
/// | free capacity: 10 × (1 − open ÷ maximum), rounded down | 0 to +10 |
/// | at or over capacity | −100 |
///
/// Higher totals rank first; ties go to fewer open cases, then the lower person id. Excluded
/// people (the parties and their households) never appear.
public enum MediatorRanking {
    /// What the ranking knows of one mediator.
    public struct Mediator: Hashable, Sendable {
        public var personID: Int64
        public var tier: MediatorTier
        public var categories: Set<String>
        public var communityIDs: Set<Int64>
        public var maximumOpenCases: Int
        public var openCases: Int

        public init(personID: Int64, tier: MediatorTier, categories: Set<String>, communityIDs: Set<Int64>, maximumOpenCases: Int, openCases: Int) {
            self.personID = personID
            self.tier = tier
            self.categories = categories
            self.communityIDs = communityIDs
            self.maximumOpenCases = maximumOpenCases
            self.openCases = openCases
        }
    }

    /// The dispute to match.
    public struct Dispute: Hashable, Sendable {
        public var level: Int
        public var category: String
        public var communityID: Int64
        public var excludedPersonIDs: Set<Int64>

        public init(level: Int, category: String, communityID: Int64, excludedPersonIDs: Set<Int64> = []) {
            self.level = level
            self.category = category
            self.communityID = communityID
            self.excludedPersonIDs = excludedPersonIDs
        }
    }

    /// One ranked mediator.
    public struct Candidate: Hashable, Sendable {
        public var mediator: Mediator
        public var rank: Int
        public var score: Int
        public var tierFits: Bool
        public var reasons: [String]
    }

    /// The mediators ranked best first, at most `limit` of them.
    public static func rank(_ mediators: [Mediator], for dispute: Dispute, limit: Int) -> [Candidate] {
        let scored = mediators
            .filter { !dispute.excludedPersonIDs.contains($0.personID) }
            .map { score($0, for: dispute) }
            .sorted { a, b in
                if a.score != b.score { return a.score > b.score }
                if a.mediator.openCases != b.mediator.openCases { return a.mediator.openCases < b.mediator.openCases }
                return a.mediator.personID < b.mediator.personID
            }
        return scored.prefix(max(limit, 0)).enumerated().map { index, candidate in
            var ranked = candidate
            ranked.rank = index + 1
            return ranked
        }
    }

    static func score(_ mediator: Mediator, for dispute: Dispute) -> Candidate {
        var score = 0
        var reasons: [String] = []
        let minimum = MediatorTier.minimum(forLevel: dispute.level)
        let fits = mediator.tier.fits(level: dispute.level)
        if fits {
            score += 40
            reasons.append("tier \(mediator.tier) fits level \(dispute.level) (+40)")
            let above = minimum.rawValue - mediator.tier.rawValue
            if above > 0 {
                score -= 5 * above
                reasons.append("\(above) tier\(above == 1 ? "" : "s") above the \(minimum) needed (-\(5 * above))")
            }
        } else {
            reasons.append("tier \(mediator.tier) is below level \(dispute.level), which needs \(minimum) or better (+0)")
        }
        if mediator.categories.contains(dispute.category) {
            score += 30
            reasons.append("handles \(dispute.category) disputes (+30)")
        }
        if mediator.communityIDs.contains(dispute.communityID) {
            score += 20
            reasons.append("knows the community (+20)")
        }
        if mediator.openCases >= mediator.maximumOpenCases {
            score -= 100
            reasons.append("at capacity, \(mediator.openCases) of \(mediator.maximumOpenCases) open (-100)")
        } else {
            let free = 10 * (mediator.maximumOpenCases - mediator.openCases) / mediator.maximumOpenCases
            score += free
            reasons.append("\(mediator.openCases) of \(mediator.maximumOpenCases) cases open (+\(free))")
        }
        return Candidate(mediator: mediator, rank: 0, score: score, tierFits: fits, reasons: reasons)
    }
}
