/// Whether a dispute repeats an earlier one between the same parties, for the grading rule
/// `repeat_180_days`.
///
/// | rule | |
/// | --- | --- |
/// | the earlier dispute was reported at most 180 days (180 × 24 h) before this one, and not after it | window |
/// | at least two parties of each dispute are parties of the other | same parties |
/// | two parties are the same when they share a registry person, a resident or a national ID number (by its lookup digest) | identity |
///
/// A party known only by name never matches: names are not unique. A dispute with fewer than two
/// identified parties repeats nothing.
public enum RepeatDispute {
    /// The window, in days.
    public static let windowDays = 180
    static let window: Int64 = Int64(windowDays) * 86_400_000

    /// Whether a dispute reported at `earlier` lies in the window before one reported at `later`
    /// (both Unix milliseconds): 0 to 180 days before it, both ends included.
    public static func isWithinWindow(earlier: Int64, later: Int64) -> Bool {
        (0...window).contains(later - earlier)
    }

    /// What identifies a party across disputes.
    public struct PartyIdentity: Hashable, Sendable {
        public var personID: Int64?
        public var residentID: Int64?
        /// The lookup digest of the party's national ID number (never the number itself).
        public var nationalIDDigest: String?

        public init(personID: Int64? = nil, residentID: Int64? = nil, nationalIDDigest: String? = nil) {
            self.personID = personID
            self.residentID = residentID
            self.nationalIDDigest = nationalIDDigest
        }

        /// Whether both name the same person by any identifier they both have.
        public func isSame(as other: PartyIdentity) -> Bool {
            func same<T: Equatable>(_ a: T?, _ b: T?) -> Bool { a != nil && a == b }
            return same(personID, other.personID) || same(residentID, other.residentID)
                || same(nationalIDDigest, other.nationalIDDigest)
        }
    }

    /// Whether two disputes are between the same parties: at least two parties of each are
    /// parties of the other.
    public static func sameParties(_ first: [PartyIdentity], _ second: [PartyIdentity]) -> Bool {
        func shared(_ a: [PartyIdentity], in b: [PartyIdentity]) -> Int {
            a.filter { party in b.contains { party.isSame(as: $0) } }.count
        }
        return shared(first, in: second) >= 2 && shared(second, in: first) >= 2
    }

    /// Whether a dispute repeats an earlier one: within the window and between the same parties.
    public static func isRepeat(
        earlierReportedAt: Int64, earlierParties: [PartyIdentity], reportedAt: Int64, parties: [PartyIdentity]
    ) -> Bool {
        isWithinWindow(earlier: earlierReportedAt, later: reportedAt) && sameParties(earlierParties, parties)
    }
}
