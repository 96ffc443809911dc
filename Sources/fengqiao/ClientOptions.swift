import ArgumentParser
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime
import Foundation

/// Where to reach the registry and how to print answers; shared by every command.
struct ClientOptions: ParsableArguments {
    @Option(name: .long, help: "The registry's host:port (default: $FENGQIAO_REGISTRY_ADDR, else 127.0.0.1:7101).")
    var addr: String?

    @Option(name: .long, help: "Seconds to wait for an answer.")
    var timeout: Double = 10

    @Flag(name: .long, help: "Print machine-readable JSON instead of a table.")
    var json = false

    @Option(name: .long, help: "A file holding your credential (default: $FENGQIAO_TOKEN, else the file $FENGQIAO_TOKEN_FILE).")
    var tokenFile: String?

    @Flag(name: .long, help: "Connect over TLS, trusting the system's CAs unless --ca-file is given (default: $FENGQIAO_TLS).")
    var tls = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The bureau's CA certificate (PEM) to check the server's certificate against; implies --tls (default: $FENGQIAO_TLS_CA_FILE).",
            valueName: "path"))
    var caFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The DNS name the server's certificate must carry, when --addr is an IP address or another name (default: $FENGQIAO_TLS_SERVER_NAME, else the host of --addr).",
            valueName: "name"))
    var tlsServerName: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Your station's certificate (PEM) for servers that require one (mutual TLS); needs --client-key (default: $FENGQIAO_TLS_CLIENT_CERTIFICATE).",
            valueName: "path"))
    var clientCertificate: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The private key (PEM) of --client-certificate (default: $FENGQIAO_TLS_CLIENT_KEY).", valueName: "path"))
    var clientKey: String?

    /// The credential to present: from `--token-file`, `$FENGQIAO_TOKEN` or `$FENGQIAO_TOKEN_FILE`, never
    /// from an argument that `ps` would show.
    func token() throws -> String? {
        do {
            return try ClientCredential.token(file: tokenFile)
        } catch let unreadable as ClientCredential.UnreadableFile {
            throw ValidationError(unreadable.description)
        }
    }

    /// The address to call.
    func address() throws -> RPCAddress {
        try Self.address(addr, variable: "FENGQIAO_REGISTRY_ADDR", fallback: "127.0.0.1:7101", option: "--addr")
    }

    /// An address from its option, else the variable, else the fallback.
    ///
    /// - Throws: `ValidationError` naming the option when the text is not host:port.
    static func address(_ given: String?, variable: String, fallback: String, option: String) throws -> RPCAddress {
        let text = given ?? ProcessInfo.processInfo.environment[variable] ?? fallback
        do {
            return try ServiceConfiguration.address(text, variable: option)
        } catch {
            throw ValidationError("\(option) must be host:port, not \(text)")
        }
    }

    /// The client's settings: the address and TLS, trying once.
    ///
    /// - Throws: `ValidationError` for a malformed address or an unusable TLS setting or file.
    func clientConfiguration() throws -> RPCClientConfiguration {
        try clientConfiguration(address: try address())
    }

    /// The settings of a client of the service at `address`: TLS as for the registry, trying once.
    ///
    /// - Throws: `ValidationError` for an unusable TLS setting or file.
    func clientConfiguration(address: RPCAddress) throws -> RPCClientConfiguration {
        var configuration = RPCClientConfiguration(addresses: [address])
        configuration.maximumAttempts = 1
        let flags = ClientTLS(
            enabled: tls, caFile: caFile, serverName: tlsServerName, clientCertificate: clientCertificate, clientKey: clientKey)
        do {
            configuration.tls = try flags.configuration()
        } catch let invalid as ServiceConfiguration.Invalid {
            throw ValidationError(invalid.description)
        }
        return configuration
    }

    /// Call options with the timeout and the credential.
    var callOptions: CallOptions {
        var options = CallOptions(timeout: .milliseconds(Int(timeout * 1000)))
        if let token = try? token(), !token.isEmpty { options.metadata["authorization"] = "Bearer " + token }
        return options
    }

    /// Runs `body` with a registry client, turning an RPC failure into one line and exit status 1.
    func withRegistry<T>(_ body: (RegistryV1.Registry.Client) async throws -> T) async throws -> T {
        _ = try token()  // an unreadable token file is a usage error, before any call
        let client = RPCClient(configuration: try clientConfiguration())
        defer { client.close() }
        do {
            return try await body(RegistryV1.Registry.Client(client))
        } catch let error as RPCError {
            throw CommandFailure(error)
        }
    }
}

/// Where to reach the mediation service, beside the registry of ``ClientOptions``; shared by the
/// `dispute` commands.
///
/// The registry at `--addr` is called only to turn codes (`--community QS-CG-P03`) into ids; the
/// TLS flags and the credential serve both services.
struct MediationClientOptions: ParsableArguments {
    @OptionGroup var client: ClientOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The mediation service's host:port (default: $FENGQIAO_MEDIATION_ADDR, else 127.0.0.1:7102).", valueName: "host:port"))
    var mediationAddr: String?

    /// `--json`.
    var json: Bool { client.json }

    /// Call options with the timeout and the credential.
    var callOptions: CallOptions { client.callOptions }

    func validate() throws {
        _ = try address()
    }

    /// The mediation service's address.
    func address() throws -> RPCAddress {
        try ClientOptions.address(mediationAddr, variable: "FENGQIAO_MEDIATION_ADDR", fallback: "127.0.0.1:7102", option: "--mediation-addr")
    }

    /// Runs `body` with a mediation client, turning an RPC failure into one line and exit status 1.
    func withMediation<T>(_ body: (MediationV1.Mediation.Client) async throws -> T) async throws -> T {
        _ = try client.token()  // an unreadable token file is a usage error, before any call
        let mediation = RPCClient(configuration: try client.clientConfiguration(address: try address()))
        defer { mediation.close() }
        do {
            return try await body(MediationV1.Mediation.Client(mediation))
        } catch let error as RPCError {
            throw CommandFailure(error)
        }
    }

    /// Runs `body` with a mediation client and a registry client, turning an RPC failure into one line
    /// and exit status 1. Neither connects until its first call.
    func withMediationAndRegistry<T>(
        _ body: (MediationV1.Mediation.Client, RegistryV1.Registry.Client) async throws -> T
    ) async throws -> T {
        _ = try client.token()  // an unreadable token file is a usage error, before any call
        let mediation = RPCClient(configuration: try client.clientConfiguration(address: try address()))
        defer { mediation.close() }
        let registry = RPCClient(configuration: try client.clientConfiguration())
        defer { registry.close() }
        do {
            return try await body(MediationV1.Mediation.Client(mediation), RegistryV1.Registry.Client(registry))
        } catch let error as RPCError {
            throw CommandFailure(error)
        }
    }
}

/// An RPC that failed, printed as one line: `Error: NOT_FOUND: unit not found (parent_id)`.
struct CommandFailure: Error, CustomStringConvertible {
    var error: RPCError

    init(_ error: RPCError) {
        self.error = error
    }

    var description: String {
        var line = "\(error.code.name): \(error.message)"
        if !error.fieldViolations.isEmpty {
            line += " (" + error.fieldViolations.map { $0.description == error.message ? $0.field : "\($0.field): \($0.description)" }
                .joined(separator: "; ") + ")"
        }
        return line
    }
}

/// Reads an enum from its short name on the command line (`police_room`, or `police-room`).
func parseEnum<E>(_ text: String, as _: E.Type, option: String) throws -> E where E: CaseIterable & ShortNamed {
    let key = text.lowercased().replacingOccurrences(of: "-", with: "_")
    guard let value = E(shortName: key), value.shortName != "unspecified" else {
        let choices = E.allCases.compactMap(\.shortName).filter { $0 != "unspecified" }.map { $0.replacingOccurrences(of: "_", with: "-") }
        throw ValidationError("\(option) must be one of: \(choices.joined(separator: ", "))")
    }
    return value
}

/// Generated enums with short names.
protocol ShortNamed {
    init?(shortName: String)
    var shortName: String? { get }
}

extension RegistryV1.UnitKind: ShortNamed {}
extension RegistryV1.PersonKind: ShortNamed {}
extension RegistryV1.TeamKind: ShortNamed {}
extension RegistryV1.ResidentKind: ShortNamed {}

/// Prints to standard output.
func output(_ text: String) {
    print(text)
}

/// The short name of an enum for display, with dashes.
func display<E: ShortNamed>(_ value: E) -> String {
    (value.shortName ?? "?").replacingOccurrences(of: "_", with: "-")
}


/// An instant in China Standard Time (UTC+8, no daylight saving), to the second: `2026-11-23 14:05:09`.
func formatInstant(milliseconds: Int64) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
}

extension RegistryV1.Registry.Client {
    /// The id of the unit with this code, or 0 (no unit: every unit, for a list's filter) when `code` is `nil`.
    func unitID(_ code: String?, _ options: CallOptions) async throws -> Int64 {
        guard let code else { return 0 }
        return try await getUnit(.init(code: code), options).id
    }
}
