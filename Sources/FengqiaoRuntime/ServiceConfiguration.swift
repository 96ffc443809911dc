import FengqiaoPostgres
import FengqiaoRPC
import Logging

/// A service's settings, read once from `FENGQIAO_*` variables; command-line flags override them.
///
/// | variable | meaning | default |
/// | --- | --- | --- |
/// | `FENGQIAO_LISTEN` | `host:port` to listen on | `127.0.0.1:` + the service's port |
/// | `FENGQIAO_DATABASE_URL` | the service's own database login | required |
/// | `FENGQIAO_MIGRATION_DATABASE_URL` | the owner login that runs migrations | `FENGQIAO_DATABASE_URL` |
/// | `FENGQIAO_DATABASE_POOL_SIZE` | connections in the pool, 1-100 | 8 |
/// | `FENGQIAO_LOG_LEVEL` | trace, debug, info, notice, warning, error, critical | info |
/// | `FENGQIAO_TLS_CERTIFICATE` | PEM certificate chain; with `FENGQIAO_TLS_KEY` turns on TLS | none: plain TCP |
/// | `FENGQIAO_TLS_KEY` | PEM private key of that certificate | none |
/// | `FENGQIAO_TLS_CLIENT_CA` | PEM CA certificates; clients must present a certificate they signed | none: no client certificate |
///
/// Services that keep personal data also read `FENGQIAO_PII_KEYS_FILE` or `FENGQIAO_PII_KEYS`
/// (`PersonalDataKeys.load(environment:)`, from the same environment). Nothing else in the suite
/// reads the environment.
public struct ServiceConfiguration: Sendable {
    public var listen: RPCAddress
    public var databaseURL: String
    public var migrationDatabaseURL: String
    public var poolSize: Int
    public var logLevel: Logger.Level
    /// TLS on the listener, from the `FENGQIAO_TLS_*` variables; `nil` for plain TCP.
    public var tls: RPCServerConfiguration.TLS?

    /// A setting that is missing or malformed, named by its variable (or flag).
    public struct Invalid: Error, CustomStringConvertible {
        public var variable: String
        public var reason: String
        public var description: String { "\(variable): \(reason)" }
    }

    /// Reads the settings; `overrides` are flag values that win over the environment.
    ///
    /// - Throws: `Invalid` naming the first bad variable.
    public init(
        environment: [String: String], defaultPort: Int,
        listen: String? = nil, databaseURL: String? = nil, migrationDatabaseURL: String? = nil, logLevel: String? = nil
    ) throws {
        func value(_ name: String, _ override: String?) -> String? {
            if let override, !override.isEmpty { return override }
            if let value = environment[name], !value.isEmpty { return value }
            return nil
        }
        self.listen = try Self.address(value("FENGQIAO_LISTEN", listen) ?? "127.0.0.1:\(defaultPort)", variable: "FENGQIAO_LISTEN")
        guard let url = value("FENGQIAO_DATABASE_URL", databaseURL) else {
            throw Invalid(variable: "FENGQIAO_DATABASE_URL", reason: "is required (postgres://user:password@host:port/database)")
        }
        do { _ = try PostgresConfiguration(url) } catch {
            throw Invalid(variable: "FENGQIAO_DATABASE_URL", reason: "is not a PostgreSQL URL or connection string")
        }
        self.databaseURL = url
        self.migrationDatabaseURL = value("FENGQIAO_MIGRATION_DATABASE_URL", migrationDatabaseURL) ?? url
        do { _ = try PostgresConfiguration(self.migrationDatabaseURL) } catch {
            throw Invalid(variable: "FENGQIAO_MIGRATION_DATABASE_URL", reason: "is not a PostgreSQL URL or connection string")
        }
        let size = value("FENGQIAO_DATABASE_POOL_SIZE", nil) ?? "8"
        guard let poolSize = Int(size), (1...100).contains(poolSize) else {
            throw Invalid(variable: "FENGQIAO_DATABASE_POOL_SIZE", reason: "must be a whole number from 1 to 100")
        }
        self.poolSize = poolSize
        let level = value("FENGQIAO_LOG_LEVEL", logLevel) ?? "info"
        guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
            throw Invalid(variable: "FENGQIAO_LOG_LEVEL", reason: "must be one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = parsed
        self.tls = try Self.tls(
            certificate: value("FENGQIAO_TLS_CERTIFICATE", nil), key: value("FENGQIAO_TLS_KEY", nil),
            clientCA: value("FENGQIAO_TLS_CLIENT_CA", nil))
    }

    /// Whether `listen` is reachable only from this machine (localhost, 127.0.0.0/8, ::1).
    public var listensOnLoopback: Bool {
        let host = listen.host.lowercased()
        return host == "localhost" || host.hasPrefix("127.") || host == "::1"
    }

    /// The listener's TLS from its three variables, every file read and checked.
    private static func tls(certificate: String?, key: String?, clientCA: String?) throws -> RPCServerConfiguration.TLS? {
        switch (certificate, key) {
        case (nil, nil):
            guard clientCA == nil else {
                throw Invalid(variable: "FENGQIAO_TLS_CLIENT_CA", reason: "needs FENGQIAO_TLS_CERTIFICATE and FENGQIAO_TLS_KEY (TLS is off)")
            }
            return nil
        case (.some, nil):
            throw Invalid(variable: "FENGQIAO_TLS_KEY", reason: "is required when FENGQIAO_TLS_CERTIFICATE is set")
        case (nil, .some):
            throw Invalid(variable: "FENGQIAO_TLS_CERTIFICATE", reason: "is required when FENGQIAO_TLS_KEY is set")
        case (let certificate?, let key?):
            let tls = RPCServerConfiguration.TLS(
                identity: TLSIdentity(certificateChainFile: certificate, privateKeyFile: key), clientCAFile: clientCA)
            do throws(TLSFileError) {
                try tls.validate()
            } catch {
                let variable =
                    switch error.role {
                    case .certificateChain: "FENGQIAO_TLS_CERTIFICATE"
                    case .privateKey: "FENGQIAO_TLS_KEY"
                    case .trustRoots: "FENGQIAO_TLS_CLIENT_CA"
                    }
                throw Invalid(variable: variable, reason: error.description)
            }
            return tls
        }
    }

    /// Reads `host:port` (IPv6 hosts in brackets: `[::1]:7101`).
    public static func address(_ text: String, variable: String) throws -> RPCAddress {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw Invalid(variable: variable, reason: "must be host:port")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw Invalid(variable: variable, reason: "must be host:port") }
        return RPCAddress(host: host, port: port)
    }
}
