import FengqiaoDomain

extension Validation {
    /// Checks a reason (for an override, an escalation, a failure): 4 to 500 characters once
    /// trimmed, one line.
    /// - Returns: the trimmed reason; an empty string when it is missing and not required.
    @discardableResult
    public mutating func reason(_ value: String, field: String, required: Bool = true) -> String {
        let reason = text(value, field: field, maxLength: MediationLimits.reasonLength.upperBound, required: required)
        if !reason.isEmpty && reason.count < MediationLimits.reasonLength.lowerBound {
            fail(field, "must say why, in at least \(MediationLimits.reasonLength.lowerBound) characters")
        }
        return reason
    }
}

/// Limits shared by the mediation rules.
public enum MediationLimits {
    /// How long a reason may be, in characters.
    public static let reasonLength = 4...500
}
