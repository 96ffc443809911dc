import ArgumentParser
import FengqiaoAccess
import FengqiaoPostgres
import FengqiaoRPC
import FengqiaoRuntime
import FengqiaoSecurity
import Foundation
import MediationDomain
import MediationService

/// `fengqiao-mediation`: the mediation service.
@main
struct MediationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fengqiao-mediation",
        abstract: "Serve Fengqiao's mediation: disputes from intake to follow-up, with grading, mediator matching and escalation.",
        discussion: """
            Settings come from the environment; flags override them.
              FENGQIAO_DATABASE_URL            the mediation login's database URL (fengqiao_mediation)
              FENGQIAO_MIGRATION_DATABASE_URL  the owner's URL, used only to migrate the mediation schema
              FENGQIAO_LISTEN                  host:port to serve on (default 127.0.0.1:7102)
              FENGQIAO_REGISTRY_ADDR           the registry to call (default 127.0.0.1:7101)
              FENGQIAO_SERVICE_TOKEN_FILE      a file holding mediation's own `service` credential for the registry
                                               (or the token itself in FENGQIAO_SERVICE_TOKEN); issue it with
                                               `fengqiao credential issue --role service --service mediation --out FILE`
              FENGQIAO_PII_KEYS_FILE           the personal-data key file the registry uses (or FENGQIAO_PII_KEYS)
              FENGQIAO_MEDIATION_FOLLOW_UP_DAYS  days after an agreement to visit, e.g. 7,30 (the default)
              FENGQIAO_DATABASE_POOL_SIZE, FENGQIAO_LOG_LEVEL, and for TLS FENGQIAO_TLS_CERTIFICATE, FENGQIAO_TLS_KEY,
              FENGQIAO_TLS_CLIENT_CA (serving) and FENGQIAO_TLS_CA_FILE (calling the registry over TLS).
            The service migrates its schema at start-up, checks every caller's credential with the registry \
            (cached for 30 seconds), and stops gracefully on SIGTERM or SIGINT.
            """,
        version: FengqiaoVersion.current)

    @Option(name: .long, help: "host:port to listen on (default 127.0.0.1:7102).")
    var listen: String?

    @Option(name: .long, help: "The registry's host:port (default $FENGQIAO_REGISTRY_ADDR, else 127.0.0.1:7101).")
    var registryAddr: String?

    @Option(name: .long, help: "The mediation login's database URL (not shown by ps if given in the environment instead).")
    var databaseURL: String?

    @Option(name: .long, help: "The owner's database URL, used only to migrate.")
    var migrationDatabaseURL: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let configuration: ServiceConfiguration
        let registryAddress: RPCAddress
        let schedule: FollowUpSchedule
        do {
            configuration = try ServiceConfiguration(
                environment: environment, defaultPort: 7102, listen: listen, databaseURL: databaseURL,
                migrationDatabaseURL: migrationDatabaseURL, logLevel: logLevel)
            let registryText = registryAddr ?? environment["FENGQIAO_REGISTRY_ADDR"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1:7101"
            registryAddress = try ServiceConfiguration.address(registryText, variable: registryAddr == nil ? "FENGQIAO_REGISTRY_ADDR" : "--registry-addr")
        } catch let invalid as ServiceConfiguration.Invalid {
            throw ValidationError(invalid.description)
        }
        do {
            schedule = try environment["FENGQIAO_MEDIATION_FOLLOW_UP_DAYS"].flatMap { $0.isEmpty ? nil : $0 }
                .map { try FollowUpSchedule(parsing: $0, field: "FENGQIAO_MEDIATION_FOLLOW_UP_DAYS") } ?? .standard
        } catch {
            throw ValidationError("\(error)")
        }
        let keys: PersonalDataKeys
        do {
            keys = try PersonalDataKeys.load(environment: environment)
        } catch {
            throw ValidationError("personal-data keys: \(error)")
        }
        let token: String
        do {
            let file = environment["FENGQIAO_SERVICE_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            guard let found = try ClientCredential.token(
                file: file, environment: ["FENGQIAO_TOKEN": environment["FENGQIAO_SERVICE_TOKEN"] ?? ""]), !found.isEmpty
            else {
                throw ValidationError(
                    "mediation needs its service credential for the registry: set FENGQIAO_SERVICE_TOKEN_FILE (or FENGQIAO_SERVICE_TOKEN)")
            }
            token = found
        } catch let unreadable as ClientCredential.UnreadableFile {
            throw ValidationError("FENGQIAO_SERVICE_TOKEN_FILE: \(unreadable.description)")
        }
        var clientConfiguration = RPCClientConfiguration(addresses: [registryAddress])
        do {
            clientConfiguration.tls = try ClientTLS().configuration(environment: environment)
        } catch let invalid as ServiceConfiguration.Invalid {
            throw ValidationError(invalid.description)
        }
        let client = RPCClient(configuration: clientConfiguration)
        defer { client.close() }
        let registry = RegistryGateway(client: client, token: token, address: registryAddress.description)

        let runner = ServiceRunner(name: "mediation", configuration: configuration)
        let logger = runner.makeLogger()
        let cipher = PersonalDataCipher(keys: keys)
        try await runner.run(
            migrate: { pool, logger in try await MediationDatabase.migrate(on: pool, logger: logger) },
            makeServer: { pool in
                // A key rotation finishes here, before serving, as in the registry.
                _ = try await DisputeStore(pool: pool, cipher: cipher, schedule: schedule).resealParties(logger: logger)
                let verifier = CredentialVerifier(source: RegistryCredentialSource(gateway: registry))
                let access = AccessControlInterceptor(
                    policy: MediationHandler.accessPolicy, verifier: verifier,
                    resolver: MediationStationResolver(pool: pool, registry: registry), audit: PostgresAuditSink(pool: pool),
                    serviceName: "mediation")
                let handler = MediationHandler(pool: pool, cipher: cipher, registry: registry, schedule: schedule)
                return ([handler], [access])
            })
    }
}
