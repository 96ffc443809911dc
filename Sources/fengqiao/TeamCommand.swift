import ArgumentParser
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRuntime

/// `fengqiao team …`: teams ("1+4+N") and their members.
struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "team",
        abstract: "Create teams, add and remove members, list members on a date.",
        subcommands: [Create.self, List.self, AddMember.self, RemoveMember.self, Members.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team at a station or a unit below one.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Name, e.g. 红袖章义警队.") var name: String
        @Option(help: "police, five-elders-mediation, red-armband, volunteer-service, fingertip-room, informants, womens-patrol, aunties-patrol, enterprise-guard, village-police, school-guard or other.")
        var kind: String
        @Option(help: "The unit's code.") var unit: String

        func run() async throws {
            let kind = try parseEnum(kind, as: RegistryV1.TeamKind.self, option: "--kind")
            let team = try await client.withRegistry { registry in
                let unitID = try await registry.getUnit(.init(code: unit), client.callOptions).id
                return try await registry.createTeam(.init(name: name, kind: kind, unitID: unitID), client.callOptions)
            }
            try printTeams([team], json: client.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the teams of a unit's subtree (a station's, say), every page.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The unit's code; none lists every team.") var unit: String?
        @Option(help: "Only this kind.") var kind: String?

        func run() async throws {
            let kind = try kind.map { try parseEnum($0, as: RegistryV1.TeamKind.self, option: "--kind") } ?? .unspecified
            let teams = try await client.withRegistry { registry in
                let unitID = try await registry.unitID(unit, client.callOptions)
                return try await allPages { page in
                    let answer = try await registry.listTeams(.init(unitID: unitID, kind: kind, page: page), client.callOptions)
                    return (answer.teams, answer.page?.nextPageToken ?? "")
                }
            }
            try printTeams(teams, json: client.json)
        }
    }

    struct AddMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-member", abstract: "Add a person to a team from a date.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The team's id.") var team: Int64
        @Option(help: "The person's id.") var person: Int64
        @Option(help: "A role in the team, e.g. 队长.") var role = ""
        @Option(help: "First day, YYYY-MM-DD (default today).") var start: String?

        func run() async throws {
            let start = try start.map { try parseDate($0, option: "--start") }
            let membership = try await client.withRegistry { registry in
                try await registry.addTeamMember(.init(teamID: team, personID: person, role: role, startDate: start), client.callOptions)
            }
            try printMemberships([membership], json: client.json)
        }
    }

    struct RemoveMember: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-member", abstract: "End a person's membership on a date.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The team's id.") var team: Int64
        @Option(help: "The person's id.") var person: Int64
        @Option(help: "Last day, YYYY-MM-DD (default today).") var end: String?

        func run() async throws {
            let end = try end.map { try parseDate($0, option: "--end") }
            let membership = try await client.withRegistry { registry in
                try await registry.removeTeamMember(.init(teamID: team, personID: person, endDate: end), client.callOptions)
            }
            try printMemberships([membership], json: client.json)
        }
    }

    struct Members: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a team's members on a date, every page.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The team's id.") var team: Int64
        @Option(help: "The day, YYYY-MM-DD (default today).") var on: String?

        func run() async throws {
            let day = try on.map { try parseDate($0, option: "--on") }
            let members = try await client.withRegistry { registry in
                try await allPages { page in
                    let answer = try await registry.listTeamMembers(.init(teamID: team, on: day, page: page), client.callOptions)
                    return (answer.members, answer.page?.nextPageToken ?? "")
                }
            }
            try printMemberships(members, json: client.json)
        }
    }
}

/// Reads `YYYY-MM-DD` from an option.
func parseDate(_ text: String, option: String) throws -> CommonV1.Date {
    guard let date = CalendarDate(text) else { throw ValidationError("\(option) must be a date, YYYY-MM-DD") }
    return CommonV1.Date(date)
}

extension CommonV1.Date {
    var text: String {
        CalendarDate(self)?.description ?? ""
    }
}

struct TeamJSON: Encodable {
    var id: Int64, name: String, kind: String, unitID: Int64, stationID: Int64, memberCount: Int64

    init(_ team: RegistryV1.Team) {
        id = team.id
        name = team.name
        kind = team.kind.shortName ?? "?"
        unitID = team.unitID
        stationID = team.stationID
        memberCount = team.memberCount
    }
}

struct MembershipJSON: Encodable {
    var id: Int64, teamID: Int64, personID: Int64, personName: String, role: String, startDate: String, endDate: String?

    init(_ membership: RegistryV1.TeamMembership) {
        id = membership.id
        teamID = membership.teamID
        personID = membership.personID
        personName = membership.personName
        role = membership.role
        startDate = membership.startDate?.text ?? ""
        endDate = membership.endDate?.text
    }
}

func printMemberships(_ memberships: [RegistryV1.TeamMembership], json: Bool) throws {
    if json { return try printJSON(memberships.map(MembershipJSON.init)) }
    var table = TextTable(["ID", "TEAM", "PERSON", "NAME", "ROLE", "FROM", "TO"])
    for membership in memberships {
        table.append([
            String(membership.id), String(membership.teamID), String(membership.personID), membership.personName, membership.role,
            membership.startDate?.text ?? "", membership.endDate?.text ?? "",
        ])
    }
    output(table.render())
}

func printTeams(_ teams: [RegistryV1.Team], json: Bool) throws {
    if json { return try printJSON(teams.map(TeamJSON.init)) }
    var table = TextTable(["ID", "NAME", "KIND", "UNIT", "STATION", "MEMBERS"])
    for team in teams {
        table.append([String(team.id), team.name, display(team.kind), String(team.unitID), String(team.stationID), String(team.memberCount)])
    }
    output(table.render())
}
