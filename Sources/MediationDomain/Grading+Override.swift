import FengqiaoDomain

/// A level set by hand instead of the suggested one, with the reason the history keeps.
public struct GradeOverride: Hashable, Sendable {
    public var level: DisputeLevel
    /// 4 to 500 characters.
    public var reason: String

    public init(level: DisputeLevel, reason: String) {
        self.level = level
        self.reason = reason
    }
}

extension Grading {
    /// The level in force: the override's when there is one (higher or lower than the suggestion),
    /// otherwise the suggestion's.
    public static func levelInForce(_ suggestion: Suggestion, override: GradeOverride?) -> DisputeLevel {
        override?.level ?? suggestion.level
    }
}

extension Validation {
    /// Checks an override of the suggested level: a level from 1 to 5 and a reason go together.
    ///
    /// | level | reason | result |
    /// | --- | --- | --- |
    /// | absent | empty | `nil`: take the suggestion |
    /// | absent | given | violation on the reason: it is only for an override |
    /// | outside 1-5 | any | violation on the level |
    /// | 1-5 | empty, or not 4-500 characters | violation on the reason |
    /// | 1-5 | 4-500 characters | the override |
    public mutating func gradeOverride(
        level: Int?, reason: String, levelField: String = "override_level", reasonField: String = "override_reason"
    ) -> GradeOverride? {
        guard let level else {
            if !reason.trimmingWhitespace().isEmpty { fail(reasonField, "is only for an override (\(levelField))") }
            return nil
        }
        let value = DisputeLevel(rawValue: level)
        if value == nil { fail(levelField, "must be between 1 and 5") }
        let text = self.reason(reason, field: reasonField)
        guard let value, MediationLimits.reasonLength.contains(text.count) else { return nil }
        return GradeOverride(level: value, reason: text)
    }
}
