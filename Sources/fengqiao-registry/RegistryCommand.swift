import ArgumentParser
import FengqiaoAccess
import FengqiaoPostgres
import FengqiaoRuntime
import Foundation
import RegistryService

/// `fengqiao-registry`: the registry service.
@main
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fengqiao-registry",
        abstract: "Serve the Fengqiao registry: units, people, teams, mediators, 一标三实 and credentials.",
        discussion: """
            Settings come from the environment (FENGQIAO_DATABASE_URL, FENGQIAO_MIGRATION_DATABASE_URL, \
            FENGQIAO_LISTEN, FENGQIAO_DATABASE_POOL_SIZE, FENGQIAO_LOG_LEVEL, and for TLS FENGQIAO_TLS_CERTIFICATE, \
            FENGQIAO_TLS_KEY and FENGQIAO_TLS_CLIENT_CA); flags override them. \
            The registry migrates its schema at start-up and stops gracefully on SIGTERM or SIGINT. \
            Every call but health needs a credential; `bootstrap-admin` makes the first one.
            """,
        version: FengqiaoVersion.current,
        subcommands: [Serve.self, BootstrapAdmin.self],
        defaultSubcommand: Serve.self)

    /// Where the registry's data is and how loudly it logs.
    struct Settings: ParsableArguments {
        @Option(name: .long, help: "The registry's own database URL (not shown by ps if given in the environment instead).")
        var databaseURL: String?

        @Option(name: .long, help: "The owner's database URL, used only to migrate.")
        var migrationDatabaseURL: String?

        @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
        var logLevel: String?

        func configuration(listen: String? = nil) throws -> ServiceConfiguration {
            do {
                return try ServiceConfiguration(
                    environment: ProcessInfo.processInfo.environment, defaultPort: 7101, listen: listen, databaseURL: databaseURL,
                    migrationDatabaseURL: migrationDatabaseURL, logLevel: logLevel)
            } catch let invalid as ServiceConfiguration.Invalid {
                throw ValidationError(invalid.description)
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the registry (the default).")

        @Option(name: .long, help: "host:port to listen on (default 127.0.0.1:7101).")
        var listen: String?

        @OptionGroup var settings: Settings

        func run() async throws {
            try await ServiceRunner(name: "registry", configuration: try settings.configuration(listen: listen)).run(
                migrate: { pool, logger in try await RegistryDatabase.migrate(on: pool, logger: logger) },
                makeServer: { pool in
                    let verifier = CredentialVerifier(source: CredentialStore(pool: pool))
                    let access = AccessControlInterceptor(
                        policy: RegistryHandler.accessPolicy, verifier: verifier, resolver: RegistryStationResolver(pool: pool))
                    return ([RegistryHandler(pool: pool, verifier: verifier)], [access])
                })
        }
    }

    struct BootstrapAdmin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bootstrap-admin",
            abstract: "Create a county_admin credential and print its token, once.",
            discussion: """
                Run it with the registry's database settings, on a machine the bureau trusts. The token is \
                printed to standard output and stored nowhere (only its hash is kept); give it to the county \
                administrator, who issues every other credential with `fengqiao credential issue`.
                """)

        @OptionGroup var settings: Settings

        @Option(help: "A note kept with the credential.") var label = "bootstrap county admin"
        @Option(help: "Days until it expires, 1-3650.") var validDays = 30

        func validate() throws {
            guard (1...3650).contains(validDays) else { throw ValidationError("--valid-days must be from 1 to 3650") }
        }

        func run() async throws {
            let configuration = try settings.configuration()
            let runner = ServiceRunner(name: "registry", configuration: configuration)
            let logger = runner.makeLogger()
            let migrationPool = PostgresPool(
                configuration: try PostgresConfiguration(configuration.migrationDatabaseURL), options: .init(maximumConnections: 1), logger: logger)
            try await RegistryDatabase.migrate(on: migrationPool, logger: logger)
            await migrationPool.close()
            let pool = PostgresPool(
                configuration: try PostgresConfiguration(configuration.databaseURL), options: .init(maximumConnections: 1), logger: logger)
            do {
                let issued = try await CredentialStore(pool: pool).issue(
                    .init(role: .countyAdmin, label: label, validDays: validDays), issuedBy: nil)
                await pool.close()
                print(issued.token)
            } catch {
                await pool.close()
                throw error
            }
        }
    }
}
