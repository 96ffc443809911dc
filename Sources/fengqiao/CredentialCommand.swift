import ArgumentParser
import FengqiaoMessages
import FengqiaoRuntime
import Foundation

/// `fengqiao credential …`: who may call the suite.
struct CredentialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credential",
        abstract: "Issue, revoke and list credentials; show your own.",
        discussion: """
            A credential's token is printed once, when issued; keep it in a file readable only by its holder \
            and point FENGQIAO_TOKEN_FILE (or --token-file) at it. A revoked credential is refused by every \
            service within 30 seconds.
            """,
        subcommands: [Issue.self, Revoke.self, List.self, WhoAmI.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a credential to a person, or to a service.")
        @OptionGroup var client: ClientOptions
        @Option(help: "county-admin, station-admin, officer, mediator, patrol-member, analyst or service.") var role: String
        @Option(help: "The station's code, for station roles.") var station: String?
        @Option(help: "The person's id (every role but service).") var person: Int64?
        @Option(help: "The service's name, for the service role (e.g. mediation).") var service: String?
        @Option(help: "A note kept with it.") var label = ""
        @Option(help: "Days until it expires, 1-3650 (default 90).") var validDays: Int32 = 90
        @Option(help: "Write the token to this file (created with mode 600) instead of printing it.") var out: String?

        func run() async throws {
            let role = try parseEnum(role, as: RegistryV1.Role.self, option: "--role")
            let issued = try await client.withRegistry { registry in
                let stationID = try await registry.unitID(station, client.callOptions)
                return try await registry.issueCredential(
                    .init(role: role, stationID: stationID, personID: person ?? 0, serviceName: service ?? "", label: label, validDays: validDays),
                    client.callOptions)
            }
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: Data((issued.token + "\n").utf8), attributes: [.posixPermissions: 0o600])
                else { throw ValidationError("cannot write \(out)") }
            }
            if client.json {
                return try printJSON(IssuedJSON(credential: CredentialJSON(issued.credential ?? .init()), token: out == nil ? issued.token : nil))
            }
            try printCredentials([issued.credential ?? .init()], json: false)
            output(out.map { "token written to \($0)" } ?? "token (shown once): \(issued.token)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a credential.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The credential's id.") var id: Int64
        @Option(help: "Why.") var reason = ""

        func run() async throws {
            let credential = try await client.withRegistry { try await $0.revokeCredential(.init(id: id, reason: reason), client.callOptions) }
            try printCredentials([credential], json: client.json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List credentials (never their tokens), every page.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only this station's (by code).") var station: String?
        @Flag(help: "Include revoked and expired credentials.") var all = false

        func run() async throws {
            let credentials = try await client.withRegistry { registry in
                let stationID = try await registry.unitID(station, client.callOptions)
                return try await allPages { page in
                    let answer = try await registry.listCredentials(.init(stationID: stationID, includeInactive: all, page: page), client.callOptions)
                    return (answer.credentials, answer.page?.nextPageToken ?? "")
                }
            }
            try printCredentials(credentials, json: client.json)
        }
    }

    struct WhoAmI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "whoami", abstract: "Show the credential you are using.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            let credential = try await client.withRegistry { try await $0.whoAmI(.init(), client.callOptions) }
            try printCredentials([credential], json: client.json)
        }
    }
}

extension RegistryV1.Role: ShortNamed {}

struct CredentialJSON: Encodable {
    var id: Int64, role: String, stationID: Int64, personID: Int64, serviceName: String, label: String
    var issuedAt: String, expiresAt: String?, revokedAt: String?

    init(_ credential: RegistryV1.Credential) {
        id = credential.id
        role = credential.role.shortName ?? "?"
        stationID = credential.stationID
        personID = credential.personID
        serviceName = credential.serviceName
        label = credential.label
        issuedAt = formatInstant(milliseconds: credential.issuedAtMs)
        expiresAt = credential.expiresAtMs == 0 ? nil : formatInstant(milliseconds: credential.expiresAtMs)
        revokedAt = credential.revokedAtMs == 0 ? nil : formatInstant(milliseconds: credential.revokedAtMs)
    }
}

struct IssuedJSON: Encodable {
    var credential: CredentialJSON
    var token: String?
}

func printCredentials(_ credentials: [RegistryV1.Credential], json: Bool) throws {
    if json { return try printJSON(credentials.map(CredentialJSON.init)) }
    var table = TextTable(["ID", "ROLE", "STATION", "HOLDER", "LABEL", "ISSUED", "EXPIRES", "REVOKED"])
    for credential in credentials.map(CredentialJSON.init) {
        let holder = credential.serviceName.isEmpty ? (credential.personID == 0 ? "" : "person \(credential.personID)") : credential.serviceName
        table.append([
            String(credential.id), credential.role.replacingOccurrences(of: "_", with: "-"), credential.stationID == 0 ? "" : String(credential.stationID),
            holder, credential.label, credential.issuedAt, credential.expiresAt ?? "", credential.revokedAt ?? "",
        ])
    }
    output(table.render())
}
