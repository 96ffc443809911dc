import ArgumentParser
import FengqiaoMessages
import FengqiaoRuntime

/// `fengqiao unit …`: the organisation tree.
struct UnitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "Create, show and list organisation units (bureau, stations, police rooms, grids, communities…).",
        subcommands: [Create.self, Show.self, List.self, Tree.self, Update.self, History.self, Stats.self])

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
                let parentID = try await registry.unitID(parent, client.callOptions)
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
                let parentID = try await registry.unitID(parent, client.callOptions)
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

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a unit, move it under another parent, or set its coordinates; the change is kept in its history.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The unit's code.") var code: String
        @Option(help: "A new name.") var name: String?
        @Option(help: "The new parent's code.") var parent: String?
        @Option(help: "Latitude, with --longitude.") var latitude: Double?
        @Option(help: "Longitude, with --latitude.") var longitude: Double?
        @Option(help: "Why, kept in the history.") var reason = ""

        func validate() throws {
            if (latitude == nil) != (longitude == nil) { throw ValidationError("give --latitude and --longitude together") }
            if name == nil && parent == nil && latitude == nil { throw ValidationError("give --name, --parent or --latitude/--longitude") }
        }

        func run() async throws {
            let unit = try await client.withRegistry { registry in
                let id = try await registry.getUnit(.init(code: code), client.callOptions).id
                var parentID: Int64?
                if let parent { parentID = try await registry.getUnit(.init(code: parent), client.callOptions).id }
                let location = latitude.map { CommonV1.GeoPoint(latitude: $0, longitude: longitude ?? 0) }
                return try await registry.updateUnit(
                    .init(id: id, name: name, parentID: parentID, location: location, reason: reason), client.callOptions)
            }
            try printUnits([unit], json: client.json)
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a unit's changes: created, renamed, moved, located.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The unit's code.") var code: String

        func run() async throws {
            let changes = try await client.withRegistry { registry in
                let id = try await registry.getUnit(.init(code: code), client.callOptions).id
                return try await registry.getUnitHistory(.init(id: id), client.callOptions).changes
            }
            if client.json { return try printJSON(changes.map(UnitChangeJSON.init)) }
            var table = TextTable(["WHEN", "CHANGE", "OLD NAME", "NEW NAME", "OLD PARENT", "NEW PARENT", "REASON"])
            for change in changes {
                table.append([
                    formatInstant(milliseconds: change.atMs), change.change, change.oldName, change.newName,
                    change.oldParentID == 0 ? "" : String(change.oldParentID), change.newParentID == 0 ? "" : String(change.newParentID),
                    change.reason,
                ])
            }
            output(table.render())
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count residents, addresses, QR plates, actual units, people, team members and chat groups below a unit.",
            discussion: "With --children, one row per direct child (a county's stations, say) and a total row.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The unit's code.") var code: String
        @Flag(help: "One row per direct child unit, then the total.") var children = false

        func run() async throws {
            let rows = try await client.withRegistry { registry in
                let root = try await registry.getUnit(.init(code: code), client.callOptions)
                var units = [root]
                if children {
                    units = try await allPages { page in
                        let answer = try await registry.listUnits(.init(parentID: root.id, page: page), client.callOptions)
                        return (answer.units, answer.page?.nextPageToken ?? "")
                    } + [root]
                }
                var rows: [UnitStatsJSON] = []
                for unit in units {
                    rows.append(UnitStatsJSON(unit, try await registry.getUnitStats(.init(unitID: unit.id), client.callOptions)))
                }
                return rows
            }
            if client.json { return try printJSON(rows) }
            var table = TextTable([
                "UNIT", "NAME", "REGISTERED", "FLOATING", "ADDRESSES", "QR PLATES", "ACTUAL UNITS", "PEOPLE", "TEAM MEMBERS",
                "CHAT GROUPS", "SERVICES",
            ])
            for (index, row) in rows.enumerated() {
                let isTotal = children && index == rows.count - 1
                table.append([
                    isTotal ? "TOTAL" : row.code, row.name, String(row.residentsRegistered), String(row.residentsFloating),
                    String(row.addresses), String(row.qrPlates), String(row.actualUnits.values.reduce(0, +)), String(row.peopleActive),
                    String(row.teamMembers.values.reduce(0, +)), String(row.chatGroups), String(row.chatGroupServices),
                ])
            }
            output(table.render())
            if !children, let row = rows.first {
                let breakdown = [("actual units", row.actualUnits), ("team members", row.teamMembers)]
                for (title, counts) in breakdown where !counts.isEmpty {
                    output("\n" + title + ": " + counts.sorted { $0.key < $1.key }.map { "\($0.key.replacingOccurrences(of: "_", with: "-")) \($0.value)" }
                        .joined(separator: ", "))
                }
            }
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

struct UnitChangeJSON: Encodable {
    var atMs: Int64, change: String, oldName: String, newName: String, oldParentID: Int64, newParentID: Int64, reason: String

    init(_ change: RegistryV1.UnitChange) {
        atMs = change.atMs
        self.change = change.change
        oldName = change.oldName
        newName = change.newName
        oldParentID = change.oldParentID
        newParentID = change.newParentID
        reason = change.reason
    }
}

struct UnitStatsJSON: Encodable {
    var unitID: Int64, code: String, name: String
    var residentsRegistered: Int64, residentsFloating: Int64, addresses: Int64, qrPlates: Int64
    var actualUnits: [String: Int64], teamMembers: [String: Int64]
    var peopleActive: Int64, chatGroups: Int64, chatGroupServices: Int64

    init(_ unit: RegistryV1.Unit, _ stats: RegistryV1.UnitStats) {
        unitID = unit.id
        code = unit.code
        name = unit.name
        residentsRegistered = stats.residentsRegistered
        residentsFloating = stats.residentsFloating
        addresses = stats.addresses
        qrPlates = stats.qrPlates
        actualUnits = Dictionary(stats.actualUnits.map { ($0.kind, $0.count) }, uniquingKeysWith: +)
        teamMembers = Dictionary(stats.teamMembers.map { ($0.kind, $0.count) }, uniquingKeysWith: +)
        peopleActive = stats.peopleActive
        chatGroups = stats.chatGroups
        chatGroupServices = stats.chatGroupServices
    }
}
