import FengqiaoDomain

/// When a dispute may be escalated, and to where.
///
/// | rule | refused with |
/// | --- | --- |
/// | only upward: the new level's rung is above the current one's (rungs may be skipped) | FAILED_PRECONDITION on `to_level` |
/// | to a workstation, the mediation centre or multi-department joint mediation: the dispute is in screening, intervention or joint mediation | FAILED_PRECONDITION on `to_level` |
/// | to litigation or another channel: mediation has failed (the dispute is in failed) | FAILED_PRECONDITION on `to_level` |
/// | multi-department joint mediation names 1 to 5 departments, each once; other levels name none | INVALID_ARGUMENT on `departments` |
/// | `other_department` (1-50 characters) exactly when the departments include other | INVALID_ARGUMENT on `other_department` |
///
/// Every escalation also carries a reason (4-500 characters). The ladder is `HandlingLevel`'s.
public enum Escalation {
    /// The stages in which a dispute may be escalated to `level`.
    public static func stages(allowingEscalationTo level: HandlingLevel) -> [DisputeStage] {
        level.mediates ? [.screening, .intervention, .jointMediation] : [.failed]
    }

    /// Checks an escalation against the dispute's state.
    ///
    /// ```swift
    /// try Escalation.check(stage: .intervention, from: .onSite, to: .mediationCentre)   // legal
    /// try Escalation.check(stage: .intervention, from: .onSite, to: .litigation)
    /// // throws: cannot escalate a dispute in intervention to litigation: only a failed dispute
    /// //         goes to litigation or another channel
    /// ```
    /// - Throws: `MediationRuleViolation` (rule `escalation`, field `to_level`) naming the current
    ///   and the requested level, or the stage.
    public static func check(
        stage: DisputeStage, from current: HandlingLevel, to requested: HandlingLevel
    ) throws(MediationRuleViolation) {
        guard requested.rung > current.rung else {
            throw MediationRuleViolation(
                .escalation, field: "to_level",
                "cannot escalate a dispute from \(current) to \(requested): escalation only goes up "
                    + "(on-site, a workstation, the mediation centre, multi-department joint mediation, litigation or another channel)"
            )
        }
        let allowed = stages(allowingEscalationTo: requested)
        guard allowed.contains(stage) else {
            let why =
                requested.mediates
                ? "only a dispute in screening, intervention or joint mediation is escalated to another mediator"
                : "only a failed dispute goes to litigation or another channel"
            throw MediationRuleViolation(
                .escalation, field: "to_level", "cannot escalate a dispute in \(stage) to \(requested): \(why)")
        }
    }
}

extension Validation {
    /// Checks the departments of an escalation to `level` (see `Escalation`).
    /// - Returns: the other department's name, trimmed; empty when there is none.
    @discardableResult
    public mutating func escalationDepartments(
        _ departments: [Department], otherDepartment: String, to level: HandlingLevel,
        field: String = "departments", otherField: String = "other_department"
    ) -> String {
        if level == .multiDepartment {
            if departments.isEmpty {
                fail(field, "must name at least one department for multi-department joint mediation")
            }
            if Set(departments).count != departments.count { fail(field, "must name each department once") }
        } else if !departments.isEmpty {
            fail(field, "are only for multi-department joint mediation")
        }
        if departments.contains(.other) {
            return text(otherDepartment, field: otherField, maxLength: 50)
        }
        if !otherDepartment.trimmingWhitespace().isEmpty {
            fail(otherField, "is only for a department of kind other")
        }
        return ""
    }
}
