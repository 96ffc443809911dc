import ArgumentParser
import FengqiaoMessages
import FengqiaoRuntime

/// `fengqiao actual-unit …`: shops, enterprises, schools and the nine kinds of small venue (实有单位).
struct ActualUnitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actual-unit",
        abstract: "Record actual units (shops, enterprises, schools, kindergartens, the nine kinds of small venue) and list them.",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an actual unit at an address.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Name, e.g. 青山县实验小学.") var name: String
        @Option(help: "shop, enterprise, school, kindergarten, small-venue or other.") var kind: String
        @Option(help: """
            With --kind small-venue: school-or-kindergarten, clinic, shop, restaurant, hotel, entertainment, internet-cafe, \
            beauty-and-bath or workshop.
            """)
        var venue: String?
        @Option(help: "The address's id.") var address: Int64

        func run() async throws {
            let kind = try parseEnum(kind, as: RegistryV1.ActualUnitKind.self, option: "--kind")
            let venue = try venue.map { try parseEnum($0, as: RegistryV1.SmallVenueKind.self, option: "--venue") } ?? .unspecified
            let unit = try await client.withRegistry {
                try await $0.createActualUnit(.init(name: name, kind: kind, smallVenueKind: venue, addressID: address), client.callOptions)
            }
            try printActualUnits([unit], json: client.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the actual units of a unit's subtree.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The unit's code; none lists the whole county.") var unit: String?
        @Option(help: "Only this kind.") var kind: String?
        @Option(help: "At most this many rows (0 for every page).") var limit = 200

        func run() async throws {
            let kind = try kind.map { try parseEnum($0, as: RegistryV1.ActualUnitKind.self, option: "--kind") } ?? .unspecified
            let units = try await client.withRegistry { registry in
                let unitID = try await registry.unitID(unit, client.callOptions)
                return try await somePages(limit: limit) { page in
                    let answer = try await registry.listActualUnits(.init(unitID: unitID, kind: kind, page: page), client.callOptions)
                    return (answer.actualUnits, answer.page?.nextPageToken ?? "")
                }
            }
            try printActualUnits(units, json: client.json)
        }
    }
}

extension RegistryV1.ActualUnitKind: ShortNamed {}
extension RegistryV1.SmallVenueKind: ShortNamed {}

struct ActualUnitJSON: Encodable {
    var id: Int64, name: String, kind: String, smallVenueKind: String?, addressID: Int64, unitID: Int64, stationID: Int64

    init(_ unit: RegistryV1.ActualUnit) {
        id = unit.id
        name = unit.name
        kind = unit.kind.shortName ?? "?"
        smallVenueKind = unit.smallVenueKind == .unspecified ? nil : unit.smallVenueKind.shortName
        addressID = unit.addressID
        unitID = unit.unitID
        stationID = unit.stationID
    }
}

func printActualUnits(_ units: [RegistryV1.ActualUnit], json: Bool) throws {
    if json { return try printJSON(units.map(ActualUnitJSON.init)) }
    var table = TextTable(["ID", "NAME", "KIND", "VENUE", "ADDRESS", "UNIT", "STATION"])
    for unit in units {
        table.append([
            String(unit.id), unit.name, display(unit.kind), unit.smallVenueKind == .unspecified ? "" : display(unit.smallVenueKind),
            String(unit.addressID), String(unit.unitID), String(unit.stationID),
        ])
    }
    output(table.render())
}
