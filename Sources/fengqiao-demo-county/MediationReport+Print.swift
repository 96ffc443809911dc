import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC

/// Prints the mediation figures station by station, how the disputes spread over levels, stages,
/// categories and handling levels, the most overdue disputes and, when asked, one dispute's history
/// in brief — all from the mediation service's answers to the county admin.
struct MediationReporter {
    let mediation: MediationV1.Mediation.Client
    let admin: CallOptions
    let units: [String: RegistryV1.Unit]
    let county: CountyPlan

    func unitName(_ id: Int64) -> String {
        units.values.first { $0.id == id }?.name ?? String(id)
    }

    func unitCode(_ id: Int64) -> String {
        units.values.first { $0.id == id }?.code ?? String(id)
    }

    func print(history disputeID: Int64?) async throws {
        var disputes: [MediationV1.Dispute] = []
        for try await dispute in try await mediation.exportDisputes(.init(filter: .init()), admin) {
            disputes.append(dispute)
        }
        var rows = [MediationFigures.header]
        var names = [""]
        var total = MediationFigures()
        for station in county.stations {
            guard let unit = units[station.code] else { continue }
            var figures = MediationFigures()
            for dispute in disputes where dispute.stationID == unit.id {
                figures.count(dispute)
                total.count(dispute)
            }
            rows.append(figures.row(station.code))
            names.append(station.name)
        }
        rows.append(total.row(CountyPlan.bureauCode))
        names.append(CountyPlan.bureauName)
        for line in alignedRows(rows, trailing: names) { Swift.print(line) }
        Swift.print(
            """

            success = agreed ÷ (agreed + failed); on site/ws = agreements reached on the spot or at a workstation;
            beyond = escalated beyond the station (矛盾不上交 counts these); open = in screening, intervention or
            joint mediation; overdue = past a stage's time limit or a follow-up visit's day, now.

            """)
        printSpread(disputes)
        try await printOverdue()
        if let disputeID { try await printHistory(of: disputeID) }
    }

    private func printSpread(_ disputes: [MediationV1.Dispute]) {
        for line in [
            spreadLine("levels", disputes, keys: Array(1...5) as [Int32], { $0.grade?.level ?? 0 }) { "\($0):" },
            spreadLine("categories", disputes, keys: CommonV1.DisputeCategory.allCases, \.category, ChineseNames.category),
            spreadLine("sources", disputes, keys: MediationV1.DisputeSource.allCases, \.source, ChineseNames.source),
            spreadLine("handled at", disputes, keys: MediationV1.HandlingLevel.allCases, \.handlingLevel, ChineseNames.level),
            spreadLine("stages", disputes, keys: MediationV1.DisputeStage.allCases, \.stage, ChineseNames.stage),
        ] {
            Swift.print(line)
        }
    }

    private func printOverdue() async throws {
        let overdue = try await mediation.listOverdueDisputes(.init(page: .init(pageSize: 3)), admin).disputes
        guard !overdue.isEmpty else { return }
        Swift.print("\nMost overdue now (ListOverdueDisputes):")
        for entry in overdue {
            guard let dispute = entry.dispute else { continue }
            let days = entry.overdueByMs / DisputePlan.day
            let hours = entry.overdueByMs % DisputePlan.day / DisputePlan.hour
            let what = entry.limitHours > 0 ? "past its \(entry.limitHours) h limit" : "a follow-up visit not made"
            Swift.print(
                "  dispute \(dispute.id)  \(unitCode(dispute.stationID))  level \(dispute.grade?.level ?? 0)  "
                    + "\(ChineseNames.stage(dispute.stage))  \(what), due \(ChineseNames.time(entry.dueAtMs)), \(days) d \(hours) h ago  "
                    + unitName(dispute.communityID))
        }
    }

    func printHistory(of id: Int64) async throws {
        let answer = try await mediation.getDispute(.init(id: id), admin)
        guard let dispute = answer.dispute else { return }
        let history = answer.history ?? .init()
        let grade = dispute.grade
        let reasons = grade?.reasons.map(\.textZh).joined(separator: "、") ?? ""
        Swift.print(
            "\nOne dispute's history (GetDispute \(id)): \(unitName(dispute.communityID)), \(unitName(dispute.stationID)); "
                + "\(ChineseNames.category(dispute.category)), level \(grade?.level ?? 0) (\(reasons)), "
                + "\(dispute.parties.count) parties, \(dispute.peopleInvolved) people; now \(ChineseNames.stage(dispute.stage))")
        if let assignment = dispute.assignment {
            var mediators = ["\(assignment.leadName) (\(ChineseNames.tier(assignment.leadTier)), lead)"]
            mediators += assignment.coMediators.map { co in
                "\(co.name) (\(ChineseNames.force(co.role))" + (co.organisation.isEmpty ? ")" : ", \(co.organisation))")
            }
            Swift.print("  mediators: " + mediators.joined(separator: ", "))
        }
        // At the same instant a visit comes before the move it causes (a relapse reopening the dispute).
        var events: [(at: Int64, order: Int, text: String)] = [
            (dispute.reportedAtMs, 1, "reported (\(ChineseNames.source(dispute.source))), \(ChineseNames.stage(.screening))")
        ]
        for move in history.stageMoves {
            var text = "\(ChineseNames.stage(move.fromStage)) → \(ChineseNames.stage(move.toStage))"
            if move.toStage == .agreed {
                text += ": agreement signed by all \(dispute.parties.count) parties"
            } else if !move.note.isEmpty && !move.note.hasPrefix("Record") {
                text += "  " + Self.short(move.note)
            }
            events.append((move.movedAtMs, 1, text))
        }
        for escalation in history.escalations {
            events.append((escalation.escalatedAtMs, 1, "escalated \(ChineseNames.level(escalation.fromLevel)) → \(ChineseNames.level(escalation.toLevel))  " + Self.short(escalation.reason)))
        }
        for visit in history.followUps where visit.visitedAtMs > 0 {
            let result = visit.result == .stable ? "稳定" : "反复"
            events.append((visit.visitedAtMs, 0, "follow-up visit: \(result)  " + Self.short(visit.note)))
        }
        for event in events.sorted(by: { ($0.at, $0.order) < ($1.at, $1.order) }) {
            Swift.print("  \(ChineseNames.time(event.at))  \(event.text)")
        }
    }

    static func short(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? text
        return line.count > 30 ? String(line.prefix(30)) + "…" : line
    }
}
