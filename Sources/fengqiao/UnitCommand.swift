import ArgumentParser
import FengqiaoMessages

/// `fengqiao unit …`: the organisation tree.
struct UnitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "Create, show and list organisation units (bureau, stations, police rooms, grids, communities…).",
        subcommands: [Create.self, Show.self, List.self, Tree.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a unit under a parent.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Unique code: letters, digits, - and _.") var code: String
        @Option(help: "Name, e.g. 枫桥派出所.") var name: String
        @Option(help: "bureau, station, police-room, police-district, grid, community, village, scenic-area or compound.") var kind: String
        @Option(help: "The parent's code (required for all but a bureau).") var parent: String?
        @Option(help: "Latitude, with --longitude.") var latitude: Double?
        @Option(help: "Longitude, with --latitude.") var longitude: Double?

        func validate() throws {
            if (latitude == nil) != (longitude == nil) { throw ValidationError("give --latitude and --longitude together") }
        }

        func run() async throws {
            let kind = try parseEnum(kind, as: RegistryV1.UnitKind.self, option: "--kind")
            let unit = try await client.withRegistry { registry in
                var parentID: Int64 = 0
                if let code = parent { parentID = try await registry.getUnit(.init(code: code), client.callOptions).id }
                let location = latitude.map { CommonV1.GeoPoint(latitude: $0, longitude: longitude ?? 0) }
                return try await registry.createUnit(
                    .init(code: code, name: name, kind: kind, parentID: parentID, location: location), client.callOptions)
            }
            try printUnits([unit], json: client.json)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a unit by code.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The unit's code.") var code: String

        func run() async throws {
            let unit = try await client.withRegistry { try await $0.getUnit(.init(code: code), client.callOptions) }
            try printUnits([unit], json: client.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a unit's children (or subtree), every page.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The parent's code; none lists the bureaus.") var parent: String?
        @Flag(help: "The whole subtree, not only the children.") var subtree = false
        @Option(help: "Only this kind.") var kind: String?
        @Option(help: "Only names containing this text.") var name: String?

        func run() async throws {
            let kinds = try kind.map { [try parseEnum($0, as: RegistryV1.UnitKind.self, option: "--kind")] } ?? []
            let units = try await client.withRegistry { registry in
                var parentID: Int64 = 0
                if let code = parent { parentID = try await registry.getUnit(.init(code: code), client.callOptions).id }
                return try await allPages { page in
                    let answer = try await registry.listUnits(
                        .init(parentID: parentID, subtree: subtree, kinds: kinds, nameContains: name ?? "", page: page), client.callOptions)
                    return (answer.units, answer.page?.nextPageToken ?? "")
                }
            }
            try printUnits(units, json: client.json)
        }
    }

    struct Tree: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the tree below a unit, indented.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The root unit's code.") var code: String

        func run() async throws {
            let (root, units) = try await client.withRegistry { registry in
                let root = try await registry.getUnit(.init(code: code), client.callOptions)
                let all = try await allPages { page in
                    let answer = try await registry.listUnits(.init(parentID: root.id, subtree: true, page: page), client.callOptions)
                    return (answer.units, answer.page?.nextPageToken ?? "")
                }
                return (root, all)
            }
            if client.json { return try printJSON(([root] + units).map(UnitJSON.init)) }
            let children = Dictionary(grouping: units, by: \.parentID)
            func walk(_ unit: RegistryV1.Unit, depth: Int) {
                output(String(repeating: "  ", count: depth) + "\(unit.name)  \(unit.code)  \(display(unit.kind))")
                for child in children[unit.id, default: []] { walk(child, depth: depth + 1) }
            }
            walk(root, depth: 0)
        }
    }
}

struct UnitJSON: Encodable {
    var id: Int64, code: String, name: String, kind: String, parentID: Int64, stationID: Int64
    var latitude: Double?, longitude: Double?

    init(_ unit: RegistryV1.Unit) {
        id = unit.id
        code = unit.code
        name = unit.name
        kind = unit.kind.shortName ?? "?"
        parentID = unit.parentID
        stationID = unit.stationID
        latitude = unit.location?.latitude
        longitude = unit.location?.longitude
    }
}

func printUnits(_ units: [RegistryV1.Unit], json: Bool) throws {
    if json { return try printJSON(units.map(UnitJSON.init)) }
    var table = TextTable(["ID", "CODE", "NAME", "KIND", "PARENT", "STATION"])
    for unit in units {
        table.append([String(unit.id), unit.code, unit.name, display(unit.kind), String(unit.parentID), String(unit.stationID)])
    }
    output(table.render())
}
