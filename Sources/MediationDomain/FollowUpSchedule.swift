import FengqiaoDomain

/// When a dispute with an agreement is visited again (回访), counted in days from the day the
/// agreement was signed (China Standard Time).
///
/// By default a visit 7 days and one 30 days after signing; a deployment may set its own list.
/// Days are calendar days, so an agreement signed on 31 January is visited on 7 February and
/// 2 March (1 March in a leap year).
///
/// | rule for the list | |
/// | --- | --- |
/// | 1 to 10 visits | |
/// | each 1 to 365 days after signing | |
/// | strictly increasing (no day twice) | |
///
/// A visit is due by the end of its day, midnight (China Standard Time) at the start of the next
/// day, and overdue once that instant has passed. A visit scheduled by hand (`ScheduleFollowUp`) falls on or after the
/// agreement's day and at most 365 days after it.
///
/// ```swift
/// let schedule = try FollowUpSchedule(parsing: "7,30")
/// schedule.visitDays(agreedOn: CalendarDate(year: 2026, month: 1, day: 31)!)   // 2026-02-07, 2026-03-02
/// ```
public struct FollowUpSchedule: Hashable, Sendable, CustomStringConvertible {
    /// Days after signing, increasing.
    public let days: [Int]

    /// 7 and 30 days after signing.
    public static let standard = FollowUpSchedule(checked: [7, 30])

    /// How many visits a schedule may hold.
    public static let visitCount = 1...10
    /// How many days after signing a visit may fall.
    public static let dayRange = 1...365

    private init(checked days: [Int]) {
        self.days = days
    }

    /// A schedule of these days.
    /// - Throws: `ValidationFailure` on `field` when the list breaks a rule of the table.
    public init(days: [Int], field: String = "follow_up_days") throws(ValidationFailure) {
        var check = Validation()
        if !Self.visitCount.contains(days.count) {
            check.fail(field, "must hold \(Self.visitCount.lowerBound) to \(Self.visitCount.upperBound) days")
        }
        if let day = days.first(where: { !Self.dayRange.contains($0) }) {
            check.fail(
                field,
                "must be days from \(Self.dayRange.lowerBound) to \(Self.dayRange.upperBound) after signing, not \(day)"
            )
        }
        if zip(days, days.dropFirst()).contains(where: { $0 >= $1 }) {
            check.fail(field, "must be increasing, each day once")
        }
        try check.finish()
        self.init(checked: days)
    }

    /// A schedule written as days separated by commas, e.g. `7,30` (spaces allowed).
    /// - Throws: `ValidationFailure` on `field` when a part is not a number or the list breaks a
    ///   rule.
    public init(parsing text: String, field: String = "follow_up_days") throws(ValidationFailure) {
        var days: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let day = Int(String(part).trimmingWhitespace()) else {
                throw ValidationFailure(field: field, "must be days after signing separated by commas, e.g. 7,30")
            }
            days.append(day)
        }
        try self.init(days: days, field: field)
    }

    /// The days the visits fall on, for an agreement signed on `agreedOn`.
    public func visitDays(agreedOn: CalendarDate) -> [CalendarDate] {
        days.map { agreedOn.adding(days: $0) }
    }

    /// `7,30`.
    public var description: String { days.map(String.init).joined(separator: ",") }

    // MARK: Days and instants

    /// China Standard Time's offset from UTC, in milliseconds (UTC+8, no daylight saving).
    static let chinaOffset: Int64 = 8 * 3_600_000
    static let day: Int64 = 86_400_000

    /// The day (China Standard Time) of an instant in Unix milliseconds.
    public static func chinaDay(ofUnixMilliseconds instant: Int64) -> CalendarDate {
        let local = instant + chinaOffset
        let days = local >= 0 ? local / day : (local - day + 1) / day
        return CalendarDate(daysSinceUnixEpoch: Int(days))
    }

    /// The instant a visit on `visitDay` falls due: midnight (China Standard Time) at the start of
    /// the next day, in Unix milliseconds.
    public static func dueAt(visitDay: CalendarDate) -> Int64 {
        Int64(visitDay.daysSinceUnixEpoch + 1) * day - chinaOffset
    }

    /// Whether a visit due on `visitDay` and not yet made is overdue at `now` (Unix milliseconds):
    /// the end of its day has passed.
    public static func isOverdue(visitDay: CalendarDate, now: Int64) -> Bool {
        now > dueAt(visitDay: visitDay)
    }

    /// Whether a visit scheduled by hand may fall on `visitDay`, for an agreement signed on
    /// `agreedOn`: on or after that day and at most 365 days after it.
    public static func allowsExtraVisit(on visitDay: CalendarDate, agreedOn: CalendarDate) -> Bool {
        let after = visitDay.daysSinceUnixEpoch - agreedOn.daysSinceUnixEpoch
        return (0...dayRange.upperBound).contains(after)
    }
}
