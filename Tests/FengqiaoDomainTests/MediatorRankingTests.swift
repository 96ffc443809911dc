import FengqiaoDomain
import Testing

@Suite struct MediatorRankingTests {
    @Test(arguments: [(5, MediatorTier.gold), (4, .silver), (3, .copper), (2, .iron), (1, .tin), (0, .tin), (9, .gold)])
    func minimumTierPerLevel(level: Int, tier: MediatorTier) {
        #expect(MediatorTier.minimum(forLevel: level) == tier)
    }

    @Test func tierFit() {
        #expect(MediatorTier.gold.fits(level: 5))
        #expect(!MediatorTier.silver.fits(level: 5))
        #expect(MediatorTier.silver.fits(level: 4))
        #expect(MediatorTier.gold.fits(level: 1))
        #expect(!MediatorTier.tin.fits(level: 2))
    }

    /// A hand-built set for a level-3 neighbours dispute in community 7. Scores worked out by hand:
    /// - 1 gold, handles neighbours, knows 7, 2/10 open: 40 − 10 (2 above copper) + 30 + 20 + 8 = 88
    /// - 2 copper, handles neighbours, knows 7, 0/5 open:  40 + 30 + 20 + 10 = 100
    /// - 3 silver, handles family only, knows 7, 1/4 open: 40 − 5 + 20 + 7 (10×3/4 = 7.5 → 7) = 62
    /// - 4 iron (below copper), handles neighbours, knows 7, 0/5: 0 + 30 + 20 + 10 = 60
    /// - 5 copper, handles neighbours, knows 7, 5/5 open (full): 40 + 30 + 20 − 100 = −10
    /// - 6 copper, same as 2 but a party to the dispute: excluded
    /// - 8 copper, handles neighbours, does not know 7, 0/5:  40 + 30 + 10 = 80
    static let mediators = [
        MediatorRanking.Mediator(personID: 1, tier: .gold, categories: ["neighbours"], communityIDs: [7], maximumOpenCases: 10, openCases: 2),
        MediatorRanking.Mediator(personID: 2, tier: .copper, categories: ["neighbours"], communityIDs: [7], maximumOpenCases: 5, openCases: 0),
        MediatorRanking.Mediator(personID: 3, tier: .silver, categories: ["family_and_marriage"], communityIDs: [7], maximumOpenCases: 4, openCases: 1),
        MediatorRanking.Mediator(personID: 4, tier: .iron, categories: ["neighbours"], communityIDs: [7], maximumOpenCases: 5, openCases: 0),
        MediatorRanking.Mediator(personID: 5, tier: .copper, categories: ["neighbours"], communityIDs: [7], maximumOpenCases: 5, openCases: 5),
        MediatorRanking.Mediator(personID: 6, tier: .copper, categories: ["neighbours"], communityIDs: [7], maximumOpenCases: 5, openCases: 0),
        MediatorRanking.Mediator(personID: 8, tier: .copper, categories: ["neighbours"], communityIDs: [9], maximumOpenCases: 5, openCases: 0),
    ]

    @Test func rankingOrderScoresAndReasons() {
        let dispute = MediatorRanking.Dispute(level: 3, category: "neighbours", communityID: 7, excludedPersonIDs: [6])
        let ranked = MediatorRanking.rank(Self.mediators, for: dispute, limit: 10)
        #expect(ranked.map(\.mediator.personID) == [2, 1, 8, 3, 4, 5])
        #expect(ranked.map(\.score) == [100, 88, 80, 62, 60, -10])
        #expect(ranked.map(\.rank) == [1, 2, 3, 4, 5, 6])
        #expect(ranked.map(\.tierFits) == [true, true, true, true, false, true])
        #expect(ranked[1].reasons == [
            "tier gold fits level 3 (+40)", "2 tiers above the copper needed (-10)", "handles neighbours disputes (+30)",
            "knows the community (+20)", "2 of 10 cases open (+8)",
        ])
        #expect(ranked[4].reasons.first == "tier iron is below level 3, which needs copper or better (+0)")
        #expect(ranked[5].reasons.last == "at capacity, 5 of 5 open (-100)")
    }

    @Test func tiesGoToFewerOpenCasesThenLowerID() {
        let a = MediatorRanking.Mediator(personID: 20, tier: .tin, categories: [], communityIDs: [], maximumOpenCases: 10, openCases: 1)
        let b = MediatorRanking.Mediator(personID: 11, tier: .tin, categories: [], communityIDs: [], maximumOpenCases: 20, openCases: 2)
        let c = MediatorRanking.Mediator(personID: 10, tier: .tin, categories: [], communityIDs: [], maximumOpenCases: 10, openCases: 1)
        // All score 40 + 9: a and c have 1 open, b has 2.
        let ranked = MediatorRanking.rank([a, b, c], for: .init(level: 1, category: "debts", communityID: 1), limit: 2)
        #expect(ranked.map(\.mediator.personID) == [10, 20])
    }
}
