/// Whether a mediator may mediate a dispute given who its parties are.
///
/// | the mediator … | verdict |
/// | --- | --- |
/// | is a party: the same registry person as a party | refused |
/// | is a party: one of the mediator's resident records is a party's | refused |
/// | lives in a party's household: one of the mediator's households is a party's | refused |
/// | none of these | allowed |
///
/// Ids that are not known (`nil`) never match, so two parties without a household do not share
/// one. The rule applies to the lead and to every co-mediator. The reasons name the party by its
/// place in the request (`parties[1]`), never by name.
public enum ConflictOfInterest {
    /// What is known of a party.
    public struct Party: Hashable, Sendable {
        public var personID: Int64?
        public var residentID: Int64?
        public var householdID: Int64?

        public init(personID: Int64? = nil, residentID: Int64? = nil, householdID: Int64? = nil) {
            self.personID = personID
            self.residentID = residentID
            self.householdID = householdID
        }
    }

    /// What is known of a mediator: the registry person, and the resident records and households
    /// the registry links to that person (none when it knows of none).
    public struct Mediator: Hashable, Sendable {
        public var personID: Int64
        public var residentIDs: Set<Int64>
        public var householdIDs: Set<Int64>

        public init(personID: Int64, residentIDs: Set<Int64> = [], householdIDs: Set<Int64> = []) {
            self.personID = personID
            self.residentIDs = residentIDs
            self.householdIDs = householdIDs
        }
    }

    /// The answer.
    public enum Verdict: Hashable, Sendable {
        case allowed
        /// One reason per party the mediator is, or shares a household with, in party order.
        case refused(reasons: [String])
    }

    /// The verdict for a mediator and a dispute's parties (in the order of the dispute).
    public static func verdict(for mediator: Mediator, parties: [Party]) -> Verdict {
        var reasons: [String] = []
        for (index, party) in parties.enumerated() {
            let isParty =
                party.personID == mediator.personID
                || party.residentID.map { mediator.residentIDs.contains($0) } == true
            if isParty {
                reasons.append("the mediator is a party (parties[\(index)])")
            } else if let household = party.householdID, mediator.householdIDs.contains(household) {
                reasons.append("the mediator lives in the household of a party (parties[\(index)])")
            }
        }
        return reasons.isEmpty ? .allowed : .refused(reasons: reasons)
    }

    /// Checks a mediator for an assignment.
    /// - Parameter field: the request field naming the mediator, e.g. `co_mediators[0].person_id`.
    /// - Throws: `MediationRuleViolation` (rule `conflictOfInterest`) on `field`, its message the
    ///   reasons joined by `; `.
    public static func check(_ mediator: Mediator, parties: [Party], field: String) throws(MediationRuleViolation) {
        if case .refused(let reasons) = verdict(for: mediator, parties: parties) {
            throw MediationRuleViolation(.conflictOfInterest, field: field, reasons.joined(separator: "; "))
        }
    }
}
