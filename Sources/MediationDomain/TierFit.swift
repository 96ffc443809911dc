import FengqiaoDomain

/// Whether a mediator's tier may lead a dispute of a level, and what an override changes.
///
/// The table is `MediatorTier.minimum(forLevel:)`'s (the same the registry ranks candidates by):
///
/// | level | 1 | 2 | 3 | 4 | 5 |
/// | --- | --- | --- | --- | --- | --- |
/// | lead needs at least | tin | iron | copper | silver | gold |
///
/// A tier at or above the least needed fits. A lead whose tier does not fit is assigned only with
/// a tier override reason (4-500 characters); a reason given for a lead who fits is refused, so
/// that every recorded override is a real one. Co-mediators assist and need no tier.
///
/// ```swift
/// try TierFit.check(tier: .silver, level: .five, overrideReason: "")          // throws
/// try TierFit.check(tier: .silver, level: .five, overrideReason: "金牌调解员均在外地")  // .overridden
/// ```
public enum TierFit {
    /// Why a lead may lead.
    public enum Verdict: Hashable, Sendable {
        /// The tier fits the level.
        case fits
        /// The tier does not fit; the reason allows it.
        case overridden(reason: String)
    }

    /// Checks a lead's tier against a level.
    /// - Parameter overrideReason: `tier_override_reason`, trimmed and already checked for length
    ///   (`Validation.reason(_:field:required:)`); empty when none was given.
    /// - Throws: `MediationRuleViolation` (rule `tierFit`): on `lead_person_id` when the tier does
    ///   not fit and no reason was given, on `tier_override_reason` when it fits and one was.
    public static func check(
        tier: MediatorTier, level: DisputeLevel, overrideReason: String
    ) throws(MediationRuleViolation) -> Verdict {
        let minimum = level.minimumTier
        if tier.fits(level: level.rawValue) {
            guard overrideReason.isEmpty else {
                throw MediationRuleViolation(
                    .tierFit, field: "tier_override_reason",
                    "\(article(tier)) \(tier) mediator may lead a \(level) dispute, which needs \(minimum) or better; no override reason is needed"
                )
            }
            return .fits
        }
        guard !overrideReason.isEmpty else {
            throw MediationRuleViolation(
                .tierFit, field: "lead_person_id",
                "\(article(tier)) \(tier) mediator may not lead a \(level) dispute, which needs \(minimum) or better, without tier_override_reason"
            )
        }
        return .overridden(reason: overrideReason)
    }
}

/// "a" or "an" before a tier's name ("an iron mediator").
private func article(_ tier: MediatorTier) -> String {
    tier == .iron ? "an" : "a"
}

/// Limits of an assignment.
extension MediationLimits {
    /// The most co-mediators an assignment may name.
    public static let maximumCoMediators = 10
}

extension Validation {
    /// Checks the co-mediators' person ids of an assignment: at most 10, each a positive id, none
    /// the lead, none twice. Violations name `co_mediators[i].person_id`.
    public mutating func coMediators(_ personIDs: [Int64], lead: Int64, field: String = "co_mediators") {
        if personIDs.count > MediationLimits.maximumCoMediators {
            fail(field, "must name at most \(MediationLimits.maximumCoMediators) co-mediators")
        }
        var seen: Set<Int64> = []
        for (index, personID) in personIDs.enumerated() {
            let path = "\(field)[\(index)].person_id"
            if personID <= 0 {
                id(personID, field: path)
            } else if personID == lead {
                fail(path, "is the lead mediator")
            } else if !seen.insert(personID).inserted {
                fail(path, "names a co-mediator twice")
            }
        }
    }
}
