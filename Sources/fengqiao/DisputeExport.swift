import ArgumentParser
import FengqiaoDomain
import FengqiaoMessages
import Foundation

extension DisputeCommand {
    /// `fengqiao dispute export`: every matching dispute, streamed to CSV or JSON lines.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export every dispute matching a filter, as CSV (one row a dispute) or JSON lines.",
            discussion: """
                The filters are those of dispute list. CSV is UTF-8 with a header row; times are China \
                Standard Time, lists are separated by semicolons, parties are written as name (role), and a text \
                starting with =, +, - or @ gets a leading ' so that a spreadsheet does not run it. JSON \
                lines hold one dispute an object, as dispute list --json. With --out the file appears only once \
                the export is complete. The number of disputes is printed on standard error at the end. The \
                whole export must finish within --timeout: raise it for a large one.

                Example:
                  fengqiao dispute export --unit QS-CG --since 2026-01-01 \\
                    --until 2027-01-01 --out disputes-2026.csv --bom --timeout 120
                """)

        @OptionGroup var filter: DisputeFilterOptions

        @Option(help: "csv or jsonl.")
        var format = "csv"

        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "path"))
        var out: String?

        @Flag(help: "Start CSV with a UTF-8 byte order mark, so that Excel reads the Chinese text correctly.")
        var bom = false

        @OptionGroup var client: MediationClientOptions

        func validate() throws {
            guard format == "csv" || format == "jsonl" else { throw ValidationError("--format must be csv or jsonl, not \(format)") }
            if bom && format != "csv" { throw ValidationError("--bom is only for --format csv") }
        }

        func run() async throws {
            let sink = try ExportSink(path: out)
            var count = 0
            do {
                try await client.withMediationAndRegistry { mediation, registry in
                    let filter = try await filter.filter(registry, client.callOptions)
                    let stream = try await mediation.exportDisputes(.init(filter: filter), client.callOptions)
                    if format == "csv" {
                        if bom { sink.write("\u{FEFF}") }
                        sink.write(CSVWriter.line(DisputeCSV.header) + "\r\n")
                    }
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                    for try await dispute in stream {
                        if format == "csv" {
                            sink.write(CSVWriter.line(DisputeCSV.row(dispute)) + "\r\n")
                        } else {
                            sink.write(String(decoding: try encoder.encode(DisputeJSON(dispute)), as: UTF8.self) + "\n")
                        }
                        count += 1
                    }
                }
                try sink.finish()
            } catch {
                sink.abandon()
                throw error
            }
            FileHandle.standardError.write(Data("exported \(count) dispute\(count == 1 ? "" : "s")\n".utf8))
        }
    }
}

/// Where an export goes: standard output, or a file that appears under its name only when complete.
final class ExportSink {
    private let handle: FileHandle
    private let path: String?
    private let partial: String?
    private var buffer = Data()

    /// Opens standard output, or a sibling of `path` to be moved onto it by ``finish()``.
    ///
    /// - Throws: `ValidationError` when the file cannot be created.
    init(path: String?) throws {
        self.path = path
        guard let path else {
            handle = .standardOutput
            partial = nil
            return
        }
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw ValidationError("--out: cannot write \(path)")
        }
        self.partial = partial
        self.handle = handle
    }

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 64 * 1024 { flush() }
    }

    private func flush() {
        handle.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left and, for a file, puts it in place.
    func finish() throws {
        flush()
        guard let path, let partial else { return }
        try handle.close()
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
    }

    /// Drops a file left incomplete by a failure; standard output keeps what was written.
    func abandon() {
        guard let partial else { return flush() }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partial)
    }
}

/// A dispute as a CSV row, for spreadsheets.
enum DisputeCSV {
    static let header = [
        "id", "version", "station_id", "community_id", "grid_id", "source", "category", "stage", "stage_entered_at", "level",
        "suggested_level", "overridden", "handling_level", "escalated_beyond_station", "people_involved", "risk_flags", "parties",
        "reported_at", "reported_by_person_id", "reported_by_name", "filed_at", "due_at", "overdue", "lead_person_id", "lead_name",
        "lead_tier", "co_mediator_ids", "agreement_signed_at", "failure_reason", "next_follow_up_date", "related_dispute_ids",
        "description",
    ]

    static func row(_ dispute: MediationV1.Dispute) -> [String] {
        let id = { (id: Int64) in id == 0 ? "" : String(id) }
        let text = DisputeCSV.inert
        let grade = dispute.grade
        let assignment = dispute.assignment
        return [
            String(dispute.id), String(dispute.version), id(dispute.stationID), id(dispute.communityID), id(dispute.gridID),
            display(dispute.source), display(dispute.category), display(dispute.stage), DisputeText.instant(dispute.stageEnteredAtMs),
            grade.map { String($0.level) } ?? "", grade.map { String($0.suggestedLevel) } ?? "", grade?.overridden == true ? "yes" : "no",
            display(dispute.handlingLevel), dispute.escalatedBeyondStation ? "yes" : "no", String(dispute.peopleInvolved),
            dispute.riskFlags.map(display).joined(separator: ";"),
            text(dispute.parties.map { "\($0.name) (\(display($0.role)))" }.joined(separator: ";")),
            DisputeText.instant(dispute.reportedAtMs), id(dispute.reportedByPersonID), text(dispute.reportedByName),
            DisputeText.instant(dispute.filedAtMs), DisputeText.instant(dispute.dueAtMs), dispute.overdue ? "yes" : "no",
            id(assignment?.leadPersonID ?? 0), text(assignment?.leadName ?? ""), assignment.map { display($0.leadTier) } ?? "",
            (assignment?.coMediators ?? []).map { String($0.personID) }.joined(separator: ";"),
            DisputeText.instant(dispute.agreement?.signedAtMs ?? 0), dispute.failure.map { display($0.reason) } ?? "",
            dispute.nextFollowUpDate?.text ?? "", dispute.relatedDisputeIDs.map(String.init).joined(separator: ";"), text(dispute.description),
        ]
    }

    /// A text a spreadsheet will not take for a formula: one starting with `=`, `+`, `-`, `@` or a
    /// tab gets a leading `'`.
    static func inert(_ text: String) -> String {
        guard let first = text.first, "=+-@\t\r".contains(first) else { return text }
        return "'" + text
    }
}
