import ArgumentParser
import FengqiaoAccess
import FengqiaoPostgres
import FengqiaoRuntime
import FengqiaoSecurity
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
            The personal-data keys come from FENGQIAO_PII_KEYS_FILE (a file `generate-keys` writes) or \
            FENGQIAO_PII_KEYS; without them the registry does not start. \
            The registry migrates its schema at start-up, seals personal data still in clear or under an \
            old key, and stops gracefully on SIGTERM or SIGINT. \
            Every call but health needs a credential; `bootstrap-admin` makes the first one.
            """,
        version: FengqiaoVersion.current,
        subcommands: [Serve.self, BootstrapAdmin.self, GenerateKeys.self],
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
            let keys: PersonalDataKeys
            do {
                keys = try PersonalDataKeys.load(environment: ProcessInfo.processInfo.environment)
            } catch {
                throw ValidationError("personal-data keys: \(error)")
            }
            let runner = ServiceRunner(name: "registry", configuration: try settings.configuration(listen: listen))
            let logger = runner.makeLogger()
            try await runner.run(
                migrate: { pool, logger in try await RegistryDatabase.migrate(on: pool, logger: logger) },
                makeServer: { pool in
                    let personal = PersonalDataColumns(cipher: PersonalDataCipher(keys: keys))
                    _ = try await personal.sealStoredValues(on: pool, logger: logger)
                    let verifier = CredentialVerifier(source: CredentialStore(pool: pool))
                    let access = AccessControlInterceptor(
                        policy: RegistryHandler.accessPolicy, verifier: verifier, resolver: RegistryStationResolver(pool: pool),
                        audit: PostgresAuditSink(pool: pool), serviceName: "registry")
                    return ([RegistryHandler(pool: pool, personal: personal, verifier: verifier)], [access])
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

    struct GenerateKeys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate-keys",
            abstract: "Print a new personal-data key file (for FENGQIAO_PII_KEYS_FILE).",
            discussion: """
                The file holds a random AES-256 key named by --key-id, marked current, and a random lookup \
                key. Write it where only the registry's user can read it (chmod 600) and keep a copy in the \
                bureau's safe: without it, the stored national ID numbers and phone numbers cannot be read. \
                To rotate, add a new key line from this file to the existing file and point `current` at it; \
                never change the lookup key (docs/SECURITY.md).
                """)

        @Option(help: "The new key's id: letters and digits, e.g. k1.") var keyID = "k1"

        func run() async throws {
            guard let id = PersonalDataKeyID(keyID) else {
                throw ValidationError("--key-id: 1 to 16 lower-case letters and digits, starting with a letter (not current or lookup)")
            }
            print(PersonalDataKeys.generate(keyID: id), terminator: "")
        }
    }
}
