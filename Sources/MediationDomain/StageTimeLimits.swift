import FengqiaoDomain

/// How long a dispute may stay in a stage, by its level; past that it is overdue.
///
/// Graver disputes must be taken up sooner and handed to joint mediation sooner, and are given
/// longer to settle there. Limits are in hours from the moment the dispute entered the stage:
///
/// | stage | level 1 | level 2 | level 3 | level 4 | level 5 |
/// | --- | --- | --- | --- | --- | --- |
/// | screening | 72 h | 48 h | 24 h | 12 h | 2 h |
/// | intervention | 168 h (7 d) | 120 h (5 d) | 72 h (3 d) | 48 h (2 d) | 24 h (1 d) |
/// | joint mediation | 240 h (10 d) | 360 h (15 d) | 480 h (20 d) | 600 h (25 d) | 720 h (30 d) |
/// | agreed | 72 h (3 d) | 72 h | 72 h | 72 h | 72 h |
/// | failed | 72 h (3 d) | 72 h | 72 h | 72 h | 72 h |
/// | review | 168 h (7 d) | 168 h | 168 h | 168 h | 168 h |
/// | follow-up | — | — | — | — | — |
/// | closed | — | — | — | — | — |
///
/// A dispute is overdue once the time since it entered the stage is more than the limit: at
/// exactly the limit it is not yet. Follow-up has no stage limit: each visit is due on its own day
/// (`FollowUpSchedule.isOverdue(visitDay:now:)`), and `dueAt(stage:level:enteredAt:pendingVisitDays:)`
/// gives a dispute's due instant counting both. A level set by hand counts like a suggested one.
public enum StageTimeLimits {
    /// One hour in milliseconds.
    public static let hour: Int64 = 3_600_000

    /// The limit in hours for a stage and level; `nil` for follow-up and closed.
    public static func limitHours(stage: DisputeStage, level: DisputeLevel) -> Int? {
        switch stage {
        case .screening: [72, 48, 24, 12, 2][level.rawValue - 1]
        case .intervention: [168, 120, 72, 48, 24][level.rawValue - 1]
        case .jointMediation: [240, 360, 480, 600, 720][level.rawValue - 1]
        case .agreed, .failed: 72
        case .review: 168
        case .followUp, .closed: nil
        }
    }

    /// When a dispute that entered `stage` at `enteredAt` (Unix milliseconds) falls due; `nil` when
    /// the stage has no limit.
    public static func dueAt(stage: DisputeStage, level: DisputeLevel, enteredAt: Int64) -> Int64? {
        limitHours(stage: stage, level: level).map { enteredAt + Int64($0) * hour }
    }

    /// Whether a dispute that entered `stage` at `enteredAt` is overdue at `now` (both Unix
    /// milliseconds): more than the limit has passed. Never for a stage without a limit.
    public static func isOverdue(stage: DisputeStage, level: DisputeLevel, enteredAt: Int64, now: Int64) -> Bool {
        guard let due = dueAt(stage: stage, level: level, enteredAt: enteredAt) else { return false }
        return now > due
    }

    /// When a dispute falls due, counting its stage's limit and its follow-up visits not yet made:
    /// the earlier of the stage's due instant and the end of the earliest pending visit's day
    /// (`FollowUpSchedule.dueAt(visitDay:)`); `nil` when neither applies.
    public static func dueAt(
        stage: DisputeStage, level: DisputeLevel, enteredAt: Int64, pendingVisitDays: [CalendarDate]
    ) -> Int64? {
        let visitDue = pendingVisitDays.map(FollowUpSchedule.dueAt(visitDay:)).min()
        let stageDue = dueAt(stage: stage, level: level, enteredAt: enteredAt)
        return [stageDue, visitDue].compactMap { $0 }.min()
    }

    /// Whether a dispute is overdue at `now`, counting its stage's limit and its pending visits:
    /// `dueAt(stage:level:enteredAt:pendingVisitDays:)` has passed.
    public static func isOverdue(
        stage: DisputeStage, level: DisputeLevel, enteredAt: Int64, pendingVisitDays: [CalendarDate], now: Int64
    ) -> Bool {
        guard let due = dueAt(stage: stage, level: level, enteredAt: enteredAt, pendingVisitDays: pendingVisitDays)
        else { return false }
        return now > due
    }
}
