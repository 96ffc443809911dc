import ArgumentParser
import FengqiaoMessages
import FengqiaoRuntime

/// `fengqiao resident …`: the actual population (实有人口).
struct ResidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resident",
        abstract: "Register residents (registered or floating), record moves out, list a unit's residents.",
        subcommands: [Add.self, MoveOut.self, List.self, Reveal.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a resident in a household (--household) or directly in a community or village (--unit).")
        @OptionGroup var client: ClientOptions
        @Option(help: "Name.") var name: String
        @Option(help: "registered (户籍) or floating (流动).") var kind: String
        @Option(help: "National ID number (GB 11643).") var nationalID = ""
        @Option(help: "Mobile number, 11 digits.") var phone = ""
        @Option(help: "The household's id.") var household: Int64?
        @Option(help: "The community's or village's code, when not in a household.") var unit: String?
        @Option(help: "Moved in on, YYYY-MM-DD (default today).") var movedIn: String?

        func validate() throws {
            if (household == nil) == (unit == nil) { throw ValidationError("give either --household or --unit") }
        }

        func run() async throws {
            let kind = try parseEnum(kind, as: RegistryV1.ResidentKind.self, option: "--kind")
            let movedIn = try movedIn.map { try parseDate($0, option: "--moved-in") }
            let resident = try await client.withRegistry { registry in
                let unitID = try await registry.unitID(unit, client.callOptions)
                return try await registry.registerResident(
                    .init(name: name, kind: kind, nationalID: nationalID, phone: phone, householdID: household ?? 0, unitID: unitID, movedIn: movedIn),
                    client.callOptions)
            }
            try printResidents([resident], json: client.json)
        }
    }

    struct MoveOut: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "move-out", abstract: "Record that a resident moved out (kept in history).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The resident's id.") var id: Int64
        @Option(help: "Moved out on, YYYY-MM-DD (default today).") var on: String?

        func run() async throws {
            let day = try on.map { try parseDate($0, option: "--on") }
            let resident = try await client.withRegistry { try await $0.moveOutResident(.init(id: id, movedOut: day), client.callOptions) }
            try printResidents([resident], json: client.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the residents of a unit's subtree, a page at a time or every page.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The unit's code; none lists the whole county.") var unit: String?
        @Option(help: "Only registered or floating residents.") var kind: String?
        @Option(help: "Only names containing this text.") var name: String?
        @Flag(help: "Include residents who moved out.") var movedOut = false
        @Option(help: "Only the resident with exactly this national ID number.") var nationalID: String?
        @Option(help: "Only residents with exactly this phone number.") var phone: String?
        @Option(help: "At most this many rows (0 for every page).") var limit = 200

        func run() async throws {
            let kind = try kind.map { try parseEnum($0, as: RegistryV1.ResidentKind.self, option: "--kind") } ?? .unspecified
            let residents = try await client.withRegistry { registry in
                let unitID = try await registry.unitID(unit, client.callOptions)
                return try await somePages(limit: limit) { page in
                    let answer = try await registry.listResidents(
                        .init(unitID: unitID, kind: kind, includeMovedOut: movedOut, nameContains: name ?? "", page: page,
                              nationalID: nationalID ?? "", phone: phone ?? ""), client.callOptions)
                    return (answer.residents, answer.page?.nextPageToken ?? "")
                }
            }
            try printResidents(residents, json: client.json)
        }
    }

    struct Reveal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a resident's national ID number or phone number in full, for a reason (audited).",
            discussion: "Open to county admins and to officers of the resident's station. The reason is kept in the audit trail.")
        @OptionGroup var reveal: RevealOptions

        func run() async throws {
            try await reveal.run { .init(residentID: $0) }
        }
    }
}

struct ResidentJSON: Encodable {
    var id: Int64, name: String, kind: String, nationalID: String, phone: String, householdID: Int64, unitID: Int64
    var movedIn: String, movedOut: String?, stationID: Int64

    init(_ resident: RegistryV1.Resident) {
        id = resident.id
        name = resident.name
        kind = resident.kind.shortName ?? "?"
        nationalID = resident.nationalID
        phone = resident.phone
        householdID = resident.householdID
        unitID = resident.unitID
        movedIn = resident.movedIn?.text ?? ""
        movedOut = resident.movedOut?.text
        stationID = resident.stationID
    }
}

func printResidents(_ residents: [RegistryV1.Resident], json: Bool) throws {
    if json { return try printJSON(residents.map(ResidentJSON.init)) }
    var table = TextTable(["ID", "NAME", "KIND", "NATIONAL ID", "PHONE", "HOUSEHOLD", "UNIT", "MOVED IN", "MOVED OUT"])
    for resident in residents {
        table.append([
            String(resident.id), resident.name, display(resident.kind), resident.nationalID, resident.phone,
            resident.householdID == 0 ? "" : String(resident.householdID), String(resident.unitID), resident.movedIn?.text ?? "",
            resident.movedOut?.text ?? "",
        ])
    }
    output(table.render())
}
