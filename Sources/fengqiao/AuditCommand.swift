import ArgumentParser
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRuntime
import Foundation

/// `fengqiao audit …`: the audit trail, for county admins.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the audit trail: every call to the suite, who made it and how it ended.",
        discussion: "County admins only. Entries are never changed or deleted; see docs/SECURITY.md.",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit events, newest first.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only calls made with this credential id.") var credential: Int64?
        @Option(help: "Only calls by this person (id).") var person: Int64?
        @Option(help: "Only calls by callers of this station (its code).") var station: String?
        @Option(help: "Only methods whose name ends with this, e.g. RevealPersonalData.") var method: String?
        @Option(help: "Only calls that named this record, e.g. resident:42 or unit:QS-CG.") var target: String?
        @Option(help: "Only calls that ended so: OK, NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED, ….") var outcome: String?
        @Option(help: "From this day (YYYY-MM-DD, China Standard Time).") var since: String?
        @Option(help: "Before this day (YYYY-MM-DD, China Standard Time).") var until: String?
        @Option(help: "At most this many events (0 for every page).") var limit = 100

        func run() async throws {
            let since = try since.map { try dayStart($0, option: "--since") } ?? 0
            let until = try until.map { try dayStart($0, option: "--until") } ?? 0
            let events = try await client.withRegistry { registry in
                let stationID = try await registry.unitID(station, client.callOptions)
                return try await somePages(limit: limit) { page in
                    let answer = try await registry.listAuditEvents(
                        .init(
                            credentialID: credential ?? 0, personID: person ?? 0, stationID: stationID, method: method ?? "",
                            target: target ?? "", outcome: outcome?.uppercased() ?? "", sinceMs: since, untilMs: until, page: page),
                        client.callOptions)
                    return (answer.events, answer.page?.nextPageToken ?? "")
                }
            }
            if client.json { return try printJSON(events.map(AuditEventJSON.init)) }
            var table = TextTable(["ID", "AT", "SERVICE", "CALLER", "STATION", "METHOD", "TARGETS", "OUTCOME", "PEER", "DETAIL"])
            for event in events.map(AuditEventJSON.init) {
                let caller = event.credentialID == 0 ? "-" : "\(event.role.isEmpty ? "?" : event.role) #\(event.credentialID)"
                table.append([
                    String(event.id), event.at, event.service, caller + (event.relayedBy.isEmpty ? "" : " via \(event.relayedBy)"),
                    event.stationID == 0 ? "" : String(event.stationID), event.method.split(separator: "/").last.map(String.init) ?? event.method,
                    event.targets.joined(separator: " "), event.outcome, event.peer, event.detail,
                ])
            }
            output(table.render())
        }

        /// Midnight of a day in China Standard Time, in Unix milliseconds.
        func dayStart(_ text: String, option: String) throws -> Int64 {
            guard let day = CalendarDate(text) else { throw ValidationError("\(option) must be a date, YYYY-MM-DD") }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
            let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day))!
            return Int64(date.timeIntervalSince1970 * 1000)
        }
    }
}

struct AuditEventJSON: Encodable {
    var id: Int64, at: String, service: String, credentialID: Int64, role: String, stationID: Int64, personID: Int64
    var relayedBy: String, method: String, targets: [String], requestID: String, peer: String, outcome: String, detail: String

    init(_ event: RegistryV1.AuditEvent) {
        id = event.id
        at = formatInstant(milliseconds: event.atMs)
        service = event.service
        credentialID = event.credentialID
        role = event.role == .unspecified ? "" : display(event.role)
        stationID = event.stationID
        personID = event.personID
        relayedBy = event.relayedBy
        method = event.method
        targets = event.targets
        requestID = event.requestID
        peer = event.peer
        outcome = event.outcome
        detail = event.detail
    }
}

extension RegistryV1.PersonalDataField: ShortNamed {}

/// What `person reveal` and `resident reveal` take: the record, the field and the reason.
struct RevealOptions: ParsableArguments {
    @OptionGroup var client: ClientOptions
    @Argument(help: "The record's id.") var id: Int64
    @Option(help: "national-id or phone.") var field: String
    @Option(help: "Why you need it (4-500 characters); kept in the audit trail.") var reason: String

    /// Asks for the value in full and prints it; `record` names the record in a request.
    func run(_ record: (Int64) -> RegistryV1.RevealPersonalDataRequest) async throws {
        var request = record(id)
        request.field = try parseEnum(field, as: RegistryV1.PersonalDataField.self, option: "--field")
        request.reason = reason
        let answer = try await client.withRegistry { try await $0.revealPersonalData(request, client.callOptions) }
        if client.json { return try printJSON(["value": answer.value]) }
        output(answer.value.isEmpty ? "(none recorded)" : answer.value)
    }
}
