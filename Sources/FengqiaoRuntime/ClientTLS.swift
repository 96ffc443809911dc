import FengqiaoRPC
import Foundation

/// How a client program (the CLI, the demo loader) connects over TLS: its flags, else
/// `FENGQIAO_TLS_*` variables.
///
/// | flag | variable | meaning |
/// | --- | --- | --- |
/// | `--tls` | `FENGQIAO_TLS` (`1`, `true`, `yes`) | connect over TLS, trusting the system's CAs unless a CA file is given |
/// | `--ca-file` | `FENGQIAO_TLS_CA_FILE` | PEM CA certificates to trust instead of the system's |
/// | `--tls-server-name` | `FENGQIAO_TLS_SERVER_NAME` | the DNS name the server's certificate must carry (default: the address's host) |
/// | `--client-certificate` | `FENGQIAO_TLS_CLIENT_CERTIFICATE` | PEM certificate chain to present, for mutual TLS |
/// | `--client-key` | `FENGQIAO_TLS_CLIENT_KEY` | its PEM private key |
///
/// Any of the others turns TLS on as well; with none of them the client uses plain TCP.
public struct ClientTLS: Sendable {
    /// `--tls`.
    public var enabled: Bool
    /// `--ca-file`.
    public var caFile: String?
    /// `--tls-server-name`.
    public var serverName: String?
    /// `--client-certificate`.
    public var clientCertificate: String?
    /// `--client-key`.
    public var clientKey: String?

    /// The flags as given on the command line; `nil` (or `false`) where not given.
    public init(
        enabled: Bool = false, caFile: String? = nil, serverName: String? = nil, clientCertificate: String? = nil,
        clientKey: String? = nil
    ) {
        self.enabled = enabled
        self.caFile = caFile
        self.serverName = serverName
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }

    /// The TLS setting for ``RPCClientConfiguration/tls``, every file read and checked, or `nil`
    /// for plain TCP.
    ///
    /// - Throws: `ServiceConfiguration.Invalid` naming the flag (or, when it came from there,
    ///   the variable) at fault.
    public func configuration(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> RPCClientConfiguration.TLS? {
        func value(_ flag: String, _ given: String?, _ variable: String) -> (text: String, source: String)? {
            if let given, !given.isEmpty { return (given, flag) }
            if let value = environment[variable], !value.isEmpty { return (value, variable) }
            return nil
        }
        let caFile = value("--ca-file", caFile, "FENGQIAO_TLS_CA_FILE")
        let serverName = value("--tls-server-name", serverName, "FENGQIAO_TLS_SERVER_NAME")
        let certificate = value("--client-certificate", clientCertificate, "FENGQIAO_TLS_CLIENT_CERTIFICATE")
        let key = value("--client-key", clientKey, "FENGQIAO_TLS_CLIENT_KEY")
        var on = enabled || caFile != nil || serverName != nil || certificate != nil || key != nil
        if !on, let text = environment["FENGQIAO_TLS"], !text.isEmpty {
            switch text.lowercased() {
            case "1", "true", "yes", "on": on = true
            case "0", "false", "no", "off": on = false
            default: throw ServiceConfiguration.Invalid(variable: "FENGQIAO_TLS", reason: "must be 1 or 0 (true or false)")
            }
        }
        guard on else { return nil }

        var tls = RPCClientConfiguration.TLS(trustRoots: caFile.map { .file($0.text) } ?? .system)
        if let serverName {
            let isIPv4 = serverName.text.allSatisfy { $0.isNumber || $0 == "." }
            guard !isIPv4, !serverName.text.contains(where: { $0 == " " || $0 == "/" || $0 == ":" }) else {
                throw ServiceConfiguration.Invalid(
                    variable: serverName.source,
                    reason: "must be a DNS name such as registry.gaj.example (for an IP address, leave it unset: the address connected to is checked)")
            }
            tls.serverName = serverName.text
        }
        switch (certificate, key) {
        case (nil, nil):
            break
        case (let certificate?, nil):
            throw ServiceConfiguration.Invalid(
                variable: certificate.source == "--client-certificate" ? "--client-key" : "FENGQIAO_TLS_CLIENT_KEY",
                reason: "is required with a client certificate")
        case (nil, let key?):
            throw ServiceConfiguration.Invalid(
                variable: key.source == "--client-key" ? "--client-certificate" : "FENGQIAO_TLS_CLIENT_CERTIFICATE",
                reason: "is required with a client key")
        case (let certificate?, let key?):
            tls.identity = TLSIdentity(certificateChainFile: certificate.text, privateKeyFile: key.text)
        }
        do throws(TLSFileError) {
            try tls.validate()
        } catch {
            let source =
                switch error.role {
                case .certificateChain: certificate?.source
                case .privateKey: key?.source
                case .trustRoots: caFile?.source
                }
            throw ServiceConfiguration.Invalid(variable: source ?? "TLS", reason: error.description)
        }
        return tls
    }
}
