import FengqiaoDomain
import MediationDomain
import Testing

@Suite struct StageTimeLimitTests {
    /// 2026-01-01 00:00 UTC: 20,454 days after 1970-01-01 (56 years of 365 days and 14 leap days).
    static let newYear: Int64 = 1_767_225_600_000
    static let hour: Int64 = 3_600_000

    @Test(arguments: [
        (DisputeStage.screening, [72, 48, 24, 12, 2]),
        (.intervention, [168, 120, 72, 48, 24]),
        (.jointMediation, [240, 360, 480, 600, 720]),
        (.agreed, [72, 72, 72, 72, 72]),
        (.failed, [72, 72, 72, 72, 72]),
        (.review, [168, 168, 168, 168, 168]),
    ])
    func limitsPerLevel(stage: DisputeStage, hours: [Int]) {
        #expect(DisputeLevel.all.map { StageTimeLimits.limitHours(stage: stage, level: $0) } == hours)
    }

    @Test(arguments: [DisputeStage.followUp, .closed])
    func stagesWithoutALimitAreNeverOverdue(stage: DisputeStage) {
        for level in DisputeLevel.all {
            #expect(StageTimeLimits.limitHours(stage: stage, level: level) == nil)
            #expect(StageTimeLimits.dueAt(stage: stage, level: level, enteredAt: Self.newYear) == nil)
            #expect(
                !StageTimeLimits.isOverdue(
                    stage: stage, level: level, enteredAt: Self.newYear, now: Self.newYear + 10_000 * Self.hour))
        }
    }

    @Test(arguments: [
        // stage, level, the limit in milliseconds worked out by hand
        (DisputeStage.screening, DisputeLevel.three, Int64(86_400_000)),  // 24 h
        (.screening, .five, 7_200_000),  // 2 h
        (.screening, .one, 259_200_000),  // 72 h
        (.intervention, .one, 604_800_000),  // 7 d
        (.intervention, .five, 86_400_000),  // 1 d
        (.jointMediation, .five, 2_592_000_000),  // 30 d
        (.jointMediation, .two, 1_296_000_000),  // 15 d
        (.agreed, .four, 259_200_000),  // 3 d
        (.review, .one, 604_800_000),  // 7 d
    ])
    func overdueOnlyAfterTheLimit(stage: DisputeStage, level: DisputeLevel, limit: Int64) {
        let entered = Self.newYear
        #expect(StageTimeLimits.dueAt(stage: stage, level: level, enteredAt: entered) == entered + limit)
        #expect(!StageTimeLimits.isOverdue(stage: stage, level: level, enteredAt: entered, now: entered))
        #expect(!StageTimeLimits.isOverdue(stage: stage, level: level, enteredAt: entered, now: entered + limit - 1))
        #expect(!StageTimeLimits.isOverdue(stage: stage, level: level, enteredAt: entered, now: entered + limit))
        #expect(StageTimeLimits.isOverdue(stage: stage, level: level, enteredAt: entered, now: entered + limit + 1))
    }

    @Test func dueInstantsByHand() {
        // Screening at level 1 entered at new year: 72 h later is 2026-01-04 00:00 UTC.
        #expect(StageTimeLimits.dueAt(stage: .screening, level: .one, enteredAt: Self.newYear) == 1_767_484_800_000)
        // Joint mediation at level 5 entered 2026-01-31 00:00 UTC: 30 days later is 2026-03-02 00:00 UTC.
        #expect(
            StageTimeLimits.dueAt(stage: .jointMediation, level: .five, enteredAt: 1_769_817_600_000)
                == 1_772_409_600_000)
    }

    /// 2026-01-31 00:00 UTC, an agreement signed that morning (China time) with visits on 7 February and 2 March.
    static let januaryEnd: Int64 = 1_769_817_600_000
    static let visits = [CalendarDate(year: 2026, month: 2, day: 7)!, CalendarDate(year: 2026, month: 3, day: 2)!]
    /// The end of 7 February in China: 2026-02-07 16:00 UTC = 31 Jan + 7 d + 16 h.
    static let firstVisitEnd: Int64 = 1_770_480_000_000

    @Test func pendingVisitsAndStageLimitsTheEarlierCounts() {
        // In review since 2 February 00:00 UTC: the stage is due on 9 February, the first visit earlier.
        let review = Self.januaryEnd + 2 * 86_400_000
        #expect(StageTimeLimits.dueAt(stage: .review, level: .two, enteredAt: review) == review + 168 * Self.hour)
        #expect(
            StageTimeLimits.dueAt(stage: .review, level: .two, enteredAt: review, pendingVisitDays: Self.visits)
                == Self.firstVisitEnd)
        #expect(
            !StageTimeLimits.isOverdue(
                stage: .review, level: .two, enteredAt: review, pendingVisitDays: Self.visits, now: Self.firstVisitEnd))
        #expect(
            StageTimeLimits.isOverdue(
                stage: .review, level: .two, enteredAt: review, pendingVisitDays: Self.visits,
                now: Self.firstVisitEnd + 1))
        // Just agreed (31 January 08:00 China): the stage's 72 h run out before the first visit's day ends.
        #expect(
            StageTimeLimits.dueAt(
                stage: .agreed, level: .two, enteredAt: Self.januaryEnd, pendingVisitDays: Self.visits) == Self
                .januaryEnd + 72 * Self.hour)
        // In follow-up only the visits count, in any order given.
        #expect(
            StageTimeLimits.dueAt(
                stage: .followUp, level: .five, enteredAt: review, pendingVisitDays: Self.visits.reversed())
                == Self.firstVisitEnd)
        #expect(StageTimeLimits.dueAt(stage: .followUp, level: .five, enteredAt: review, pendingVisitDays: []) == nil)
        #expect(
            !StageTimeLimits.isOverdue(
                stage: .followUp, level: .five, enteredAt: review, pendingVisitDays: [], now: Self.firstVisitEnd * 2))
        // Without visits, a stage's own limit.
        #expect(
            StageTimeLimits.dueAt(stage: .screening, level: .four, enteredAt: review, pendingVisitDays: []) == review
                + 12 * Self.hour)
    }
}
