import FengqiaoMessages
import Foundation
import MediationDomain

/// Prints a dispute: its card and parties, or JSON.
func printDispute(_ dispute: MediationV1.Dispute, json: Bool) throws {
    if json { return try printJSON(DisputeJSON(dispute)) }
    output(DisputeText.card(dispute))
}

/// How long, for people: `45 min`, `5 h 30 min`, `3 d 4 h`.
func formatDuration(milliseconds: Int64) -> String {
    let minutes = max(0, milliseconds) / 60_000
    if minutes < 60 { return "\(minutes) min" }
    if minutes < 24 * 60 { return "\(minutes / 60) h" + (minutes % 60 == 0 ? "" : " \(minutes % 60) min") }
    let hours = minutes / 60
    return "\(hours / 24) d" + (hours % 24 == 0 ? "" : " \(hours % 24) h")
}

/// The text forms of disputes: a card for one, tables for lists and the history.
enum DisputeText {
    /// A stage with its Chinese name: `intervention 介入`.
    static func stage(_ stage: MediationV1.DisputeStage) -> String {
        withChinese(display(stage), stage.shortName.flatMap(MediationDomain.DisputeStage.init(rawValue:))?.chineseName)
    }

    /// A handling level with its Chinese name: `mediation-centre 调解中心`.
    static func handling(_ level: MediationV1.HandlingLevel) -> String {
        withChinese(display(level), level.shortName.flatMap(MediationDomain.HandlingLevel.init(rawValue:))?.chineseName)
    }

    private static func withChinese(_ name: String, _ chinese: String?) -> String {
        chinese.map { name + " " + $0 } ?? name
    }

    /// An instant, or empty for none.
    static func instant(_ milliseconds: Int64) -> String {
        milliseconds == 0 ? "" : formatInstant(milliseconds: milliseconds)
    }

    /// A person by id, or empty for none.
    static func person(_ id: Int64) -> String {
        id == 0 ? "" : String(id)
    }

    /// A text on one line, for a table cell: line breaks become ` ↵ `.
    static func oneLine(_ text: String) -> String {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).joined(separator: " ↵ ")
            .replacingOccurrences(of: "\t", with: " ")
    }

    /// When a dispute falls due, marked once it is overdue.
    static func due(_ dispute: MediationV1.Dispute) -> String {
        dispute.dueAtMs == 0 ? "" : instant(dispute.dueAtMs) + (dispute.overdue ? " OVERDUE" : "")
    }

    /// The lead mediator of the current assignment: `12 王某`.
    static func lead(_ dispute: MediationV1.Dispute) -> String {
        dispute.assignment.map { "\($0.leadPersonID) \($0.leadName)" } ?? ""
    }

    /// One dispute as labelled lines, then its parties.
    static func card(_ dispute: MediationV1.Dispute) -> String {
        var lines: [(String, String)] = []
        func add(_ label: String, _ value: String) {
            if !value.isEmpty { lines.append((label, value)) }
        }
        add("stage", stage(dispute.stage) + (dispute.stageEnteredAtMs == 0 ? "" : ", since " + instant(dispute.stageEnteredAtMs)))
        add("due", dispute.dueAtMs == 0 ? "" : instant(dispute.dueAtMs) + (dispute.overdue ? "  OVERDUE" : ""))
        if let grade = dispute.grade {
            let how = grade.overridden ? "set by hand, suggested \(grade.suggestedLevel): \(grade.overrideReason)" : "suggested"
            add("level", "\(grade.level) (\(how))")
            for (index, reason) in grade.reasons.enumerated() {
                lines.append((index == 0 ? "grounds" : "", "\(reason.textZh) (\(reason.rule), at least \(reason.minimumLevel))"))
            }
            add("repeat of", grade.repeatOfDisputeID == 0 ? "" : "dispute \(grade.repeatOfDisputeID)")
        }
        add("handling", handling(dispute.handlingLevel) + (dispute.escalatedBeyondStation ? "; escalated beyond the station" : ""))
        add("category", display(dispute.category))
        add("source", display(dispute.source))
        var place = "community \(dispute.communityID)"
        if dispute.gridID != 0 { place += ", grid \(dispute.gridID)" }
        add("where", place + ", station \(dispute.stationID)")
        add("people", "\(dispute.peopleInvolved)")
        add("risks", dispute.riskFlags.map(display).joined(separator: ", "))
        let reporter = dispute.reportedByPersonID != 0 ? "person \(dispute.reportedByPersonID)" : dispute.reportedByName
        add("reported", instant(dispute.reportedAtMs) + (reporter.isEmpty ? "" : " by \(reporter)"))
        add("filed", instant(dispute.filedAtMs) + (dispute.filedByPersonID == 0 ? "" : " by person \(dispute.filedByPersonID)"))
        if let assignment = dispute.assignment {
            var lead = "\(assignment.leadPersonID) \(assignment.leadName) (\(display(assignment.leadTier))"
            lead += assignment.tierFits ? ", fits)" : ", does not fit level \(assignment.level): \(assignment.tierOverrideReason))"
            add("lead", lead)
            add("co-mediators", assignment.coMediators.map(coMediator).joined(separator: "; "))
        }
        if let agreement = dispute.agreement {
            add("agreement", "\(agreement.id), signed \(instant(agreement.signedAtMs)), parties \(ids(agreement.consentingPartyIDs))")
        }
        if let failure = dispute.failure {
            add("failure", "\(display(failure.reason)), \(instant(failure.failedAtMs)): \(oneLine(failure.detail))")
        }
        add("next visit", dispute.nextFollowUpDate?.text ?? "")
        add("related", ids(dispute.relatedDisputeIDs))
        let descriptionLines = dispute.description.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in descriptionLines.enumerated() { lines.append((index == 0 ? "description" : "", String(line))) }

        let width = lines.map(\.0.count).max() ?? 0
        var text = "Dispute \(dispute.id), version \(dispute.version)\n"
        text += lines.map { label, value in
            "  " + label + String(repeating: " ", count: width - label.count) + "  " + value
        }.joined(separator: "\n")
        var parties = TextTable(["PARTY", "NAME", "ROLE", "PHONE", "NATIONAL ID", "RESIDENT", "PERSON", "HOUSEHOLD"])
        for party in dispute.parties {
            parties.append([
                String(party.id), party.name, display(party.role), party.phone, party.nationalID, person(party.residentID),
                person(party.personID), person(party.householdID),
            ])
        }
        return text + "\n\n" + parties.render()
    }

    static func ids(_ ids: [Int64]) -> String {
        ids.map(String.init).joined(separator: ", ")
    }

    static func coMediator(_ co: MediationV1.CoMediator) -> String {
        "\(co.personID) \(co.name) (\(display(co.role))\(co.organisation.isEmpty ? "" : ", " + co.organisation))"
    }

    /// The history's sections, each a table under its title, `none` when empty.
    static func history(_ history: MediationV1.DisputeHistory, failure: MediationV1.Failure?) -> String {
        var sections: [String] = []
        func section(_ title: String, _ table: TextTable) {
            sections.append(title + "\n" + (table.rows.isEmpty ? "(none)" : table.render()))
        }

        var grades = TextTable(["GRADED", "BY", "LEVEL", "SUGGESTED", "PEOPLE", "RISKS", "REPEAT OF", "REASONS", "OVERRIDE REASON"])
        for grade in history.grades {
            grades.append([
                instant(grade.gradedAtMs), person(grade.gradedByPersonID), String(grade.level) + (grade.overridden ? " (by hand)" : ""),
                String(grade.suggestedLevel), String(grade.peopleInvolved), grade.riskFlags.map(display).joined(separator: ","),
                person(grade.repeatOfDisputeID), grade.reasons.map { "\($0.rule)≥\($0.minimumLevel)" }.joined(separator: " "),
                oneLine(grade.overrideReason),
            ])
        }
        section("Grades", grades)

        var assignments = TextTable(["ID", "ASSIGNED", "BY", "LEAD", "TIER", "LEVEL", "FITS", "ENDED", "CO-MEDIATORS", "NOTE"])
        for assignment in history.assignments {
            let fits = assignment.tierFits ? "yes" : "no: " + oneLine(assignment.tierOverrideReason)
            assignments.append([
                String(assignment.id), instant(assignment.assignedAtMs), person(assignment.assignedByPersonID),
                "\(assignment.leadPersonID) \(assignment.leadName)", display(assignment.leadTier), String(assignment.level), fits,
                instant(assignment.endedAtMs), assignment.coMediators.map(coMediator).joined(separator: "; "), oneLine(assignment.note),
            ])
        }
        section("Assignments", assignments)

        var moves = TextTable(["MOVED", "BY", "FROM", "TO", "VERSION", "NOTE"])
        for move in history.stageMoves {
            moves.append([
                instant(move.movedAtMs), person(move.movedByPersonID), display(move.fromStage), display(move.toStage), String(move.version),
                oneLine(move.note),
            ])
        }
        section("Stage moves", moves)

        var escalations = TextTable(["ESCALATED", "BY", "FROM", "TO", "BEYOND STATION", "DEPARTMENTS", "REASON"])
        for escalation in history.escalations {
            var departments = escalation.departments.map(display)
            if !escalation.otherDepartment.isEmpty { departments.append(escalation.otherDepartment) }
            escalations.append([
                instant(escalation.escalatedAtMs), person(escalation.escalatedByPersonID), display(escalation.fromLevel),
                display(escalation.toLevel), escalation.beyondStation ? "yes" : "no", departments.joined(separator: ", "),
                oneLine(escalation.reason),
            ])
        }
        section("Escalations", escalations)

        var agreements = TextTable(["ID", "SIGNED", "RECORDED", "BY", "PARTIES", "SUPERSEDED", "TERMS"])
        for agreement in history.agreements {
            agreements.append([
                String(agreement.id), instant(agreement.signedAtMs), instant(agreement.recordedAtMs), person(agreement.recordedByPersonID),
                ids(agreement.consentingPartyIDs), instant(agreement.supersededAtMs), oneLine(agreement.terms),
            ])
        }
        section("Agreements", agreements)

        var failures = TextTable(["FAILED", "BY", "REASON", "DETAIL"])
        if let failure {
            failures.append([instant(failure.failedAtMs), person(failure.recordedByPersonID), display(failure.reason), oneLine(failure.detail)])
        }
        section("Failure", failures)

        var visits = TextTable(["VISIT", "DUE", "SCHEDULED", "RESULT", "VISITED", "BY", "RELAPSE", "NEW DISPUTE", "NOTE"])
        for visit in history.followUps {
            let result =
                visit.cancelled ? "cancelled" : visit.result == .unspecified ? "pending" : display(visit.result)
            visits.append([
                String(visit.id), visit.dueDate?.text ?? "", visit.scheduledByHand ? "by hand" : "schedule", result,
                instant(visit.visitedAtMs), person(visit.visitedByPersonID),
                visit.relapseAction == .unspecified ? "" : display(visit.relapseAction), person(visit.newDisputeID), oneLine(visit.note),
            ])
        }
        section("Follow-up visits", visits)
        return "\n" + sections.joined(separator: "\n\n")
    }

    /// Disputes as a table, one row each.
    static func list(_ disputes: [MediationV1.Dispute]) -> String {
        var table = TextTable(["ID", "STATION", "LEVEL", "CATEGORY", "STAGE", "HANDLING", "REPORTED", "DUE", "LEAD"])
        for dispute in disputes {
            table.append([
                String(dispute.id), String(dispute.stationID), dispute.grade.map { String($0.level) } ?? "", display(dispute.category),
                stage(dispute.stage), display(dispute.handlingLevel), instant(dispute.reportedAtMs), due(dispute), lead(dispute),
            ])
        }
        return table.render()
    }

    /// Overdue disputes as a table, most overdue first as the service answers them.
    static func overdue(_ overdue: [MediationV1.OverdueDispute]) -> String {
        var table = TextTable(["ID", "STATION", "STAGE", "LEVEL", "LIMIT", "DUE AT", "OVERDUE BY", "LEAD"])
        for entry in overdue {
            let dispute = entry.dispute ?? .init()
            table.append([
                String(dispute.id), String(dispute.stationID), stage(dispute.stage), dispute.grade.map { String($0.level) } ?? "",
                entry.limitHours == 0 ? "visit" : "\(entry.limitHours) h", instant(entry.dueAtMs),
                formatDuration(milliseconds: entry.overdueByMs), lead(dispute),
            ])
        }
        return table.render()
    }
}
