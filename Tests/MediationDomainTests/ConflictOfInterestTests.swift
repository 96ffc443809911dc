import MediationDomain
import Testing

@Suite struct ConflictOfInterestTests {
    typealias Party = ConflictOfInterest.Party
    /// Person 12, who is also resident 301 of household 77.
    static let mediator = ConflictOfInterest.Mediator(personID: 12, residentIDs: [301], householdIDs: [77])

    @Test(arguments: [
        // Strangers.
        ([Party(personID: 40, residentID: 500, householdID: 90), Party(residentID: 501, householdID: 91)], [String]()),
        // Parties known by name only.
        ([Party(), Party()], []),
        // The mediator is the first party, as a registry person.
        ([Party(personID: 12), Party(residentID: 501)], ["the mediator is a party (parties[0])"]),
        // The mediator is the second party, as a resident.
        ([Party(residentID: 500), Party(residentID: 301, householdID: 77)], ["the mediator is a party (parties[1])"]),
        // The second party lives with the mediator.
        (
            [Party(residentID: 500, householdID: 90), Party(residentID: 302, householdID: 77)],
            ["the mediator lives in the household of a party (parties[1])"]
        ),
        // Both at once, one reason per party.
        (
            [Party(personID: 12), Party(residentID: 302, householdID: 77)],
            ["the mediator is a party (parties[0])", "the mediator lives in the household of a party (parties[1])"]
        ),
    ])
    func verdicts(parties: [Party], reasons: [String]) {
        let verdict = ConflictOfInterest.verdict(for: Self.mediator, parties: parties)
        #expect(verdict == (reasons.isEmpty ? .allowed : .refused(reasons: reasons)))
    }

    @Test func unknownHouseholdsNeverMatch() {
        let homeless = ConflictOfInterest.Mediator(personID: 12)
        #expect(ConflictOfInterest.verdict(for: homeless, parties: [Party(residentID: 500), Party()]) == .allowed)
        #expect(ConflictOfInterest.verdict(for: homeless, parties: [Party(personID: 13, householdID: 77)]) == .allowed)
    }

    @Test func checkThrowsOnTheField() throws {
        try ConflictOfInterest.check(Self.mediator, parties: [Party(personID: 40)], field: "lead_person_id")
        let error = #expect(throws: MediationRuleViolation.self) {
            try ConflictOfInterest.check(
                Self.mediator, parties: [Party(personID: 12), Party(householdID: 77)],
                field: "co_mediators[0].person_id")
        }
        #expect(error?.rule == .conflictOfInterest)
        #expect(error?.field == "co_mediators[0].person_id")
        #expect(
            error?.message
                == "the mediator is a party (parties[0]); the mediator lives in the household of a party (parties[1])")
    }
}
