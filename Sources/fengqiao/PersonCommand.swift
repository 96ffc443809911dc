import ArgumentParser
import FengqiaoMessages
import FengqiaoRuntime

/// `fengqiao person …`: people who work with the stations.
struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "Register, show and list people (officers, auxiliary police, grid workers, volunteers, mediators…).",
        subcommands: [Add.self, Show.self, List.self, Update.self, Deactivate.self, Reveal.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a person.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Name.") var name: String
        @Option(parsing: .upToNextOption, help: "Kinds: officer, auxiliary-police, grid-worker, village-police, volunteer, informant, mediator.")
        var kind: [String]
        @Option(help: "The home unit's code.") var unit: String
        @Option(help: "Mobile number, 11 digits.") var phone = ""
        @Option(help: "National ID number (GB 11643).") var nationalID = ""

        func run() async throws {
            let kinds = try kind.map { try parseEnum($0, as: RegistryV1.PersonKind.self, option: "--kind") }
            let person = try await client.withRegistry { registry in
                let unitID = try await registry.getUnit(.init(code: unit), client.callOptions).id
                return try await registry.registerPerson(
                    .init(name: name, kinds: kinds, homeUnitID: unitID, phone: phone, nationalID: nationalID), client.callOptions)
            }
            try printPeople([person], json: client.json)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a person by id.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The person's id.") var id: Int64

        func run() async throws {
            let person = try await client.withRegistry { try await $0.getPerson(.init(id: id), client.callOptions) }
            try printPeople([person], json: client.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List people of a unit's subtree, every page.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The unit's code; none lists everyone.") var unit: String?
        @Option(help: "Only this kind.") var kind: String?
        @Flag(help: "Include inactive people.") var all = false
        @Option(help: "Only names containing this text.") var name: String?
        @Option(help: "Only the person with exactly this national ID number.") var nationalID: String?
        @Option(help: "Only people with exactly this phone number.") var phone: String?

        func run() async throws {
            let kind = try kind.map { try parseEnum($0, as: RegistryV1.PersonKind.self, option: "--kind") } ?? .unspecified
            let people = try await client.withRegistry { registry in
                let unitID = try await registry.unitID(unit, client.callOptions)
                return try await allPages { page in
                    let answer = try await registry.listPeople(
                        .init(unitID: unitID, kind: kind, includeInactive: all, nameContains: name ?? "", page: page,
                              nationalID: nationalID ?? "", phone: phone ?? ""), client.callOptions)
                    return (answer.people, answer.page?.nextPageToken ?? "")
                }
            }
            try printPeople(people, json: client.json)
        }
    }

    struct Reveal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a person's national ID number or phone number in full, for a reason (audited).",
            discussion: "Open to county admins and to officers of the person's station. The reason is kept in the audit trail.")
        @OptionGroup var reveal: RevealOptions

        func run() async throws {
            try await reveal.run { .init(personID: $0) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a person's name, kinds, home unit or phone; the rest stays.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The person's id.") var id: Int64
        @Option(help: "A new name.") var name: String?
        @Option(parsing: .upToNextOption, help: "New kinds, replacing the old ones.") var kind: [String] = []
        @Option(help: "The new home unit's code.") var unit: String?
        @Option(help: "A new mobile number; an empty text clears it.") var phone: String?

        func validate() throws {
            if name == nil && kind.isEmpty && unit == nil && phone == nil { throw ValidationError("give --name, --kind, --unit or --phone") }
        }

        func run() async throws {
            let kinds = try kind.map { try parseEnum($0, as: RegistryV1.PersonKind.self, option: "--kind") }
            let person = try await client.withRegistry { registry in
                var unitID: Int64?
                if let unit { unitID = try await registry.getUnit(.init(code: unit), client.callOptions).id }
                return try await registry.updatePerson(
                    .init(id: id, name: name, kinds: kinds, homeUnitID: unitID, phone: phone), client.callOptions)
            }
            try printPeople([person], json: client.json)
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a person inactive (people are never deleted; their history stays).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The person's id.") var id: Int64
        @Option(help: "Why.") var reason = ""

        func run() async throws {
            let person = try await client.withRegistry { try await $0.deactivatePerson(.init(id: id, reason: reason), client.callOptions) }
            try printPeople([person], json: client.json)
        }
    }
}

struct PersonJSON: Encodable {
    var id: Int64, name: String, kinds: [String], homeUnitID: Int64, stationID: Int64, phone: String, nationalID: String, active: Bool

    init(_ person: RegistryV1.Person) {
        id = person.id
        name = person.name
        kinds = person.kinds.compactMap(\.shortName)
        homeUnitID = person.homeUnitID
        stationID = person.stationID
        phone = person.phone
        nationalID = person.nationalID
        active = person.active
    }
}

func printPeople(_ people: [RegistryV1.Person], json: Bool) throws {
    if json { return try printJSON(people.map(PersonJSON.init)) }
    var table = TextTable(["ID", "NAME", "KINDS", "HOME UNIT", "STATION", "PHONE", "ACTIVE"])
    for person in people {
        table.append([
            String(person.id), person.name, person.kinds.map(display).joined(separator: ","), String(person.homeUnitID),
            String(person.stationID), person.phone, person.active ? "yes" : "no",
        ])
    }
    output(table.render())
}
