import ArgumentParser
import FengqiaoMessages
import FengqiaoRuntime

/// `fengqiao chat-group …`: the fingertip police room's chat groups (指尖警务室).
struct ChatGroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat-group",
        abstract: "Record chat groups (residents, villagers, shops, tour guides, schools), their members and services delivered.",
        subcommands: [Add.self, Record.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record a chat group of a unit.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Name, e.g. 解放路居民群.") var name: String
        @Option(help: "residents, villagers, shops, tour-guides, schools or other.") var kind: String
        @Option(help: "The unit's code.") var unit: String
        @Option(help: "Members now.") var members: Int64 = 0

        func run() async throws {
            let kind = try parseEnum(kind, as: RegistryV1.ChatGroupKind.self, option: "--kind")
            let group = try await client.withRegistry { registry in
                let unitID = try await registry.getUnit(.init(code: unit), client.callOptions).id
                return try await registry.createChatGroup(.init(name: name, kind: kind, unitID: unitID, memberCount: members), client.callOptions)
            }
            try printChatGroups([group], json: client.json)
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add services delivered through a group, and/or set its member count.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The group's id.") var id: Int64
        @Option(help: "Services delivered since the last record.") var services: Int64 = 0
        @Option(help: "The member count now, if it changed.") var members: Int64?

        func validate() throws {
            if services == 0 && members == nil { throw ValidationError("give --services or --members") }
        }

        func run() async throws {
            let group = try await client.withRegistry {
                try await $0.recordChatGroupActivity(.init(id: id, memberCount: members, servicesAdded: services), client.callOptions)
            }
            try printChatGroups([group], json: client.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the chat groups of a unit's subtree, every page.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The unit's code; none lists every group.") var unit: String?
        @Option(help: "Only this kind.") var kind: String?

        func run() async throws {
            let kind = try kind.map { try parseEnum($0, as: RegistryV1.ChatGroupKind.self, option: "--kind") } ?? .unspecified
            let groups = try await client.withRegistry { registry in
                let unitID = try await registry.unitID(unit, client.callOptions)
                return try await allPages { page in
                    let answer = try await registry.listChatGroups(.init(unitID: unitID, kind: kind, page: page), client.callOptions)
                    return (answer.chatGroups, answer.page?.nextPageToken ?? "")
                }
            }
            try printChatGroups(groups, json: client.json)
        }
    }
}

extension RegistryV1.ChatGroupKind: ShortNamed {}

struct ChatGroupJSON: Encodable {
    var id: Int64, name: String, kind: String, unitID: Int64, memberCount: Int64, servicesDelivered: Int64, stationID: Int64

    init(_ group: RegistryV1.ChatGroup) {
        id = group.id
        name = group.name
        kind = group.kind.shortName ?? "?"
        unitID = group.unitID
        memberCount = group.memberCount
        servicesDelivered = group.servicesDelivered
        stationID = group.stationID
    }
}

func printChatGroups(_ groups: [RegistryV1.ChatGroup], json: Bool) throws {
    if json { return try printJSON(groups.map(ChatGroupJSON.init)) }
    var table = TextTable(["ID", "NAME", "KIND", "UNIT", "MEMBERS", "SERVICES", "STATION"])
    for group in groups {
        table.append([
            String(group.id), group.name, display(group.kind), String(group.unitID), String(group.memberCount),
            String(group.servicesDelivered), String(group.stationID),
        ])
    }
    output(table.render())
}
