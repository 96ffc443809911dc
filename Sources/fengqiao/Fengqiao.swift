import ArgumentParser
import FengqiaoRuntime
import Foundation

/// `fengqiao`: the command-line client of the suite.
@main
struct Fengqiao: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fengqiao",
        abstract:
            "Work with the Fengqiao suite: units, people, teams, mediators, addresses, residents, actual units, chat groups and disputes.",
        discussion: """
            Commands call the registry at --addr (or $FENGQIAO_REGISTRY_ADDR, default 127.0.0.1:7101) with the \
            credential in $FENGQIAO_TOKEN, or in the file named by $FENGQIAO_TOKEN_FILE or --token-file. \
            Answers print as aligned tables, or as JSON with --json. A failed call prints one line \
            with its status code and exits with status 1.

            The dispute commands call the mediation service at --mediation-addr (or \
            $FENGQIAO_MEDIATION_ADDR, default 127.0.0.1:7102), with the same credential and TLS flags; \
            see `fengqiao dispute --help`.

            Across the bureau's network, connect over TLS: --ca-file names the bureau's CA certificate \
            (or $FENGQIAO_TLS_CA_FILE), and a registry that requires client certificates takes your \
            station's with --client-certificate and --client-key. See docs/SECURITY.md, "Transport (TLS)".
            """,
        version: FengqiaoVersion.current,
        subcommands: [
            HealthCommand.self, UnitCommand.self, PersonCommand.self, TeamCommand.self, MediatorCommand.self, AddressCommand.self,
            QRCommand.self, BuildingCommand.self, HouseholdCommand.self, ResidentCommand.self, ActualUnitCommand.self,
            ChatGroupCommand.self, DisputeCommand.self, ImportCommand.self, CredentialCommand.self, AuditCommand.self,
        ])
}

/// Prints JSON for `--json`.
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    output(String(decoding: try encoder.encode(value), as: UTF8.self))
}
