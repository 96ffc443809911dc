import MediationDomain
import Testing

@Suite struct RepeatDisputeTests {
    typealias Identity = RepeatDispute.PartyIdentity
    static let day: Int64 = 86_400_000
    /// 2026-07-01 00:00 UTC.
    static let reported: Int64 = 1_782_864_000_000

    @Test(arguments: [
        (Int64(0), true),  // the same instant
        (180 * day, true),  // exactly 180 days before
        (180 * day + 1, false),
        (-1, false),  // reported after this one
        (30 * day, true),
    ])
    func window(before: Int64, within: Bool) {
        #expect(RepeatDispute.isWithinWindow(earlier: Self.reported - before, later: Self.reported) == within)
    }

    @Test(arguments: [
        (
            [Identity(residentID: 1), Identity(residentID: 2)], [Identity(residentID: 2), Identity(residentID: 1)], true
        ),
        (
            [Identity(residentID: 1), Identity(residentID: 2)], [Identity(residentID: 1), Identity(residentID: 3)],
            false
        ),
        // One by person, one by national ID digest.
        (
            [Identity(personID: 5), Identity(nationalIDDigest: "d9")],
            [Identity(personID: 5, residentID: 8), Identity(nationalIDDigest: "d9")], true
        ),
        // Names only: nothing to match by.
        ([Identity(), Identity()], [Identity(), Identity()], false),
        // A third party on one side does not matter.
        (
            [Identity(residentID: 1), Identity(residentID: 2), Identity(residentID: 3)],
            [Identity(residentID: 1), Identity(residentID: 2)], true
        ),
        // Two parties of the first are one party of the second: not the same two parties.
        ([Identity(personID: 5), Identity(residentID: 9)], [Identity(personID: 5, residentID: 9)], false),
        // A resident id and a person id with the same number are different people.
        ([Identity(residentID: 5), Identity(residentID: 6)], [Identity(personID: 5), Identity(personID: 6)], false),
    ])
    func sameParties(first: [Identity], second: [Identity], same: Bool) {
        #expect(RepeatDispute.sameParties(first, second) == same)
    }

    @Test func repeatNeedsBoth() {
        let parties = [Identity(residentID: 1), Identity(residentID: 2)]
        let others = [Identity(residentID: 3), Identity(residentID: 4)]
        #expect(
            RepeatDispute.isRepeat(
                earlierReportedAt: Self.reported - 100 * Self.day, earlierParties: parties, reportedAt: Self.reported,
                parties: parties))
        #expect(
            !RepeatDispute.isRepeat(
                earlierReportedAt: Self.reported - 200 * Self.day, earlierParties: parties, reportedAt: Self.reported,
                parties: parties))
        #expect(
            !RepeatDispute.isRepeat(
                earlierReportedAt: Self.reported - 100 * Self.day, earlierParties: others, reportedAt: Self.reported,
                parties: parties))
    }
}
