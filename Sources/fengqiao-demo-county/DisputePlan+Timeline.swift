import FengqiaoDomain
import MediationDomain

extension StationBuilder {
    /// A dispute's steps in time order, each at least a minute after the one before.
    ///
    /// Work that can wait waits for the day: a step that would fall at night (21:00-08:00 China
    /// Standard Time) is moved to the next morning, as long as that keeps it within nine tenths of
    /// its stage's time limit; otherwise it happens at night, as urgent work does.
    struct Timeline {
        var steps: [Plan.Timed] = []
        /// When the last step happened.
        var now: Int64
        /// When the dispute entered its current stage.
        var enteredAt: Int64

        init(reportedAt: Int64) {
            now = reportedAt
            enteredAt = reportedAt
        }

        /// The instant `delay` after the last step, moved to the morning when it falls at night and
        /// `limit` (the stage's, from entering it) allows; `nil` for work done whatever the hour.
        func instant(after delay: Int64, daytimeWithin limit: Int64?) -> Int64 {
            let at = now + max(delay, Plan.minute)
            guard let limit else { return at }
            let local = ((at + 8 * Plan.hour) % Plan.day + Plan.day) % Plan.day
            guard local < 8 * Plan.hour || local >= 21 * Plan.hour else { return at }
            let untilEight = local < 8 * Plan.hour ? 8 * Plan.hour - local : Plan.day - local + 8 * Plan.hour
            // Spread over the first two hours of the morning, as the night's minutes fall.
            let morning = at + untilEight + local % (2 * Plan.hour)
            return morning <= enteredAt + limit * 9 / 10 ? morning : at
        }

        mutating func append(_ step: Plan.Step, at instant: Int64) {
            now = max(instant, now + Plan.minute)
            steps.append(Plan.Timed(step: step, at: now))
            switch step {
            case .advance, .agree, .fail, .visit(relapsed: true, _): enteredAt = now
            default: break
            }
        }

        mutating func then(_ step: Plan.Step, after delay: Int64, daytimeWithin limit: Int64? = nil) {
            append(step, at: instant(after: delay, daytimeWithin: limit))
        }

        /// A step during office hours (China Standard Time) of `day`, never before the last step.
        mutating func on(_ day: CalendarDate, _ step: Plan.Step, random: inout SeededRandom) {
            let start = FollowUpSchedule.dueAt(visitDay: day) - Plan.day
            append(step, at: start + 9 * Plan.hour + duration(0...(17 * Plan.hour / 2), using: &random))
        }
    }
}
