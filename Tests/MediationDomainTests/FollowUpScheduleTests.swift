import FengqiaoDomain
import MediationDomain
import Testing

@Suite struct FollowUpScheduleTests {
    static func day(_ text: String) -> CalendarDate { CalendarDate(text)! }

    @Test func standardIsSevenAndThirtyDays() {
        #expect(FollowUpSchedule.standard.days == [7, 30])
        #expect(FollowUpSchedule.standard.description == "7,30")
    }

    @Test(arguments: [
        ("2026-01-31", ["2026-02-07", "2026-03-02"]),  // through a 28-day February
        ("2028-01-31", ["2028-02-07", "2028-03-01"]),  // through a leap February
        ("2026-02-28", ["2026-03-07", "2026-03-30"]),
        ("2028-02-28", ["2028-03-06", "2028-03-29"]),  // 29 February counts
        ("2026-12-28", ["2027-01-04", "2027-01-27"]),  // across a year end
        ("2026-04-30", ["2026-05-07", "2026-05-30"]),
        ("2026-08-31", ["2026-09-07", "2026-09-30"]),
    ])
    func standardVisitDaysAcrossMonthEnds(agreed: String, visits: [String]) {
        #expect(FollowUpSchedule.standard.visitDays(agreedOn: Self.day(agreed)).map(\.description) == visits)
    }

    @Test func aConfiguredSchedule() throws {
        let schedule = try FollowUpSchedule(parsing: " 3, 14 ,90")
        #expect(schedule.days == [3, 14, 90])
        // 15 Nov + 3 = 18 Nov; + 14 = 29 Nov; + 90 = 13 Feb (15 to 30 Nov, 31 of Dec, 31 of Jan, 13 of Feb).
        #expect(
            schedule.visitDays(agreedOn: Self.day("2026-11-15")).map(\.description) == [
                "2026-11-18", "2026-11-29", "2027-02-13",
            ])
        #expect(
            try FollowUpSchedule(days: [365]).visitDays(agreedOn: Self.day("2027-03-01")).map(\.description) == [
                "2028-02-29"
            ])
    }

    @Test(arguments: [
        ([Int](), ["follow_up_days: must hold 1 to 10 days"]),
        ([0, 7], ["follow_up_days: must be days from 1 to 365 after signing, not 0"]),
        ([7, 366], ["follow_up_days: must be days from 1 to 365 after signing, not 366"]),
        ([30, 7], ["follow_up_days: must be increasing, each day once"]),
        ([7, 7], ["follow_up_days: must be increasing, each day once"]),
        (Array(1...11), ["follow_up_days: must hold 1 to 10 days"]),
        ([-3, -1], ["follow_up_days: must be days from 1 to 365 after signing, not -3"]),
        ([1], []),
        (Array(1...10), []),
        ([1, 365], []),
    ])
    func scheduleValidation(days: [Int], violations: [String]) {
        do {
            let schedule = try FollowUpSchedule(days: days)
            #expect(violations.isEmpty)
            #expect(schedule.days == days)
        } catch {
            #expect(error.violations.map { "\($0.field): \($0.description)" } == violations)
        }
    }

    @Test(arguments: ["", "7,,30", "seven", "7;30", "7,30,"])
    func unreadableText(text: String) {
        let error = #expect(throws: ValidationFailure.self) {
            try FollowUpSchedule(parsing: text, field: "FENGQIAO_FOLLOW_UP_DAYS")
        }
        #expect(
            error?.description == "FENGQIAO_FOLLOW_UP_DAYS: must be days after signing separated by commas, e.g. 7,30")
    }

    @Test(arguments: [
        (Int64(1_769_875_199_999), "2026-01-31"),  // 2026-01-31 23:59:59.999 in China
        (1_769_875_200_000, "2026-02-01"),  // midnight in China, 16:00 UTC the day before
        (1_769_817_600_000, "2026-01-31"),  // 2026-01-31 00:00 UTC is 08:00 in China
        (0, "1970-01-01"),
        (-1, "1970-01-01"),  // 07:59:59.999 in China
        (-28_800_000, "1970-01-01"),  // midnight in China
        (-28_800_001, "1969-12-31"),
    ])
    func chinaDays(instant: Int64, day: String) {
        #expect(FollowUpSchedule.chinaDay(ofUnixMilliseconds: instant).description == day)
    }

    @Test func aVisitIsOverdueOnceItsDayHasEnded() {
        // 2026-02-07 ends at 2026-02-08 00:00 in China = 2026-02-07 16:00 UTC
        // = 1_769_817_600_000 (31 Jan 00:00 UTC) + 7 days (604_800_000) + 16 h (57_600_000).
        let end: Int64 = 1_770_480_000_000
        #expect(FollowUpSchedule.dueAt(visitDay: Self.day("2026-02-07")) == end)
        #expect(!FollowUpSchedule.isOverdue(visitDay: Self.day("2026-02-07"), now: end - 1))
        #expect(!FollowUpSchedule.isOverdue(visitDay: Self.day("2026-02-07"), now: end))
        #expect(FollowUpSchedule.isOverdue(visitDay: Self.day("2026-02-07"), now: end + 1))
    }

    @Test(arguments: [
        ("2026-01-31", true), ("2026-03-02", true), ("2027-01-31", true),  // 365 days later
        ("2027-02-01", false), ("2026-01-30", false),
    ])
    func extraVisits(day: String, allowed: Bool) {
        #expect(FollowUpSchedule.allowsExtraVisit(on: Self.day(day), agreedOn: Self.day("2026-01-31")) == allowed)
    }
}
