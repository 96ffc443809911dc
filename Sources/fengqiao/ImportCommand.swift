import ArgumentParser
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `fengqiao import residents|addresses FILE.csv`: bulk import in chunks.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import residents or addresses from a CSV file with a header row.",
        discussion: """
            The file is sent in chunks; each chunk is one transaction on the registry. Valid rows are \
            stored, rows already present are counted as duplicates (importing a file twice adds nothing), \
            and every rejected row is written, with its row number, field and reason, to the rejected-rows \
            file. Row 1 is the first row after the header. A progress bar shows on a terminal.
            """,
        subcommands: [Residents.self, Addresses.self])

    struct Residents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Columns: name, kind (registered or floating), national_id, phone, unit_code, qr_code, moved_in (YYYY-MM-DD).")
        @OptionGroup var options: ImportOptions

        func run() async throws {
            try await options.run(required: ["name", "kind", "unit_code"]) { registry, records, header, callOptions in
                let rows = records.map { record in
                    let field = { (name: String) in header[name].map { record.fields.count > $0 ? record.fields[$0] : "" } ?? "" }
                    let kind = RegistryV1.ResidentKind(shortName: field("kind").lowercased()) ?? .unspecified
                    let movedIn = CalendarDate(field("moved_in")).map(CommonV1.Date.init)
                    return RegistryV1.ResidentRow(
                        rowNumber: Int64(record.number - 1), name: field("name"), kind: kind, nationalID: field("national_id"),
                        phone: field("phone"), unitCode: field("unit_code"), qrCode: field("qr_code"), movedIn: movedIn)
                }
                return try await registry.importResidents(.init(rows: rows), callOptions)
            }
        }
    }

    struct Addresses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Columns: text, unit_code, grid_code, qr_code.")
        @OptionGroup var options: ImportOptions

        func run() async throws {
            try await options.run(required: ["text", "unit_code"]) { registry, records, header, callOptions in
                let rows = records.map { record in
                    let field = { (name: String) in header[name].map { record.fields.count > $0 ? record.fields[$0] : "" } ?? "" }
                    return RegistryV1.AddressRow(
                        rowNumber: Int64(record.number - 1), text: field("text"), unitCode: field("unit_code"),
                        gridCode: field("grid_code"), qrCode: field("qr_code"))
                }
                return try await registry.importAddresses(.init(rows: rows), callOptions)
            }
        }
    }
}

/// What both imports share: the file, the chunk size, the rejected-rows file, and the loop.
struct ImportOptions: ParsableArguments {
    @OptionGroup var client: ClientOptions
    @Argument(help: "The CSV file (UTF-8, header row first).") var file: String
    @Option(help: "Rows per call, 1-5000.") var chunk = 1_000
    @Option(help: "Where to write rejected rows (default: FILE.rejected.csv).") var rejected: String?

    func validate() throws {
        guard (1...5_000).contains(chunk) else { throw ValidationError("--chunk must be from 1 to 5000") }
    }

    typealias Send = (RegistryV1.Registry.Client, [CSVReader.Record], [String: Int], CallOptions) async throws -> RegistryV1.ImportResponse

    func run(required: [String], send: Send) async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
        let records: [CSVReader.Record]
        do {
            records = try CSVReader.records(String(decoding: data, as: UTF8.self))
        } catch {
            throw ValidationError("\(file): \(error)")
        }
        guard let headerRecord = records.first else { throw ValidationError("\(file) is empty") }
        var header: [String: Int] = [:]
        for (index, name) in headerRecord.fields.enumerated() { header[name.trimmingWhitespace().lowercased()] = index }
        let missing = required.filter { header[$0] == nil }
        guard missing.isEmpty else { throw ValidationError("\(file) has no column \(missing.joined(separator: ", "))") }

        let rows = Array(records.dropFirst())
        var imported: Int64 = 0, duplicates: Int64 = 0
        var rejectedRows: [RegistryV1.RejectedRow] = []
        let progress = ProgressBar(total: rows.count)
        try await client.withRegistry { registry in
            var start = 0
            while start < rows.count {
                let batch = Array(rows[start..<min(start + chunk, rows.count)])
                let answer = try await send(registry, batch, header, client.callOptions)
                imported += answer.imported
                duplicates += answer.duplicates
                rejectedRows += answer.rejected
                start += batch.count
                progress.show(done: start)
            }
        }
        progress.finish()
        let rejectedPath = rejected ?? file + ".rejected.csv"
        if !rejectedRows.isEmpty {
            var text = CSVWriter.line(["row", "field", "reason"] + headerRecord.fields) + "\n"
            for row in rejectedRows {
                let original = rows.first { Int64($0.number - 1) == row.rowNumber }?.fields ?? []
                text += CSVWriter.line([String(row.rowNumber), row.field, row.reason] + original) + "\n"
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: rejectedPath))
        }
        let summary = ImportSummary(
            rows: rows.count, imported: imported, duplicates: duplicates, rejected: rejectedRows.count,
            rejectedFile: rejectedRows.isEmpty ? nil : rejectedPath)
        if client.json { return try printJSON(summary) }
        output("\(summary.rows) rows: \(imported) imported, \(duplicates) already present, \(rejectedRows.count) rejected"
            + (rejectedRows.isEmpty ? "" : " (see \(rejectedPath))"))
    }
}

struct ImportSummary: Encodable {
    var rows: Int, imported: Int64, duplicates: Int64, rejected: Int, rejectedFile: String?
}

/// A one-line progress bar on standard error, shown only when it is a terminal.
final class ProgressBar {
    let total: Int
    let enabled = isatty(2) != 0

    init(total: Int) {
        self.total = total
    }

    func show(done: Int) {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) rows".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
