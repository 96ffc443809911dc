import ArgumentParser
import FengqiaoRuntime
import Foundation
import RegistryService

/// `fengqiao-registry`: the registry service.
@main
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fengqiao-registry",
        abstract: "Serve the Fengqiao registry: units, people, teams, mediators and 一标三实.",
        discussion: """
            Settings come from the environment (FENGQIAO_DATABASE_URL, FENGQIAO_MIGRATION_DATABASE_URL, \
            FENGQIAO_LISTEN, FENGQIAO_DATABASE_POOL_SIZE, FENGQIAO_LOG_LEVEL); flags override them. \
            The registry migrates its schema at start-up and stops gracefully on SIGTERM or SIGINT.
            """,
        version: FengqiaoVersion.current)

    @Option(name: .long, help: "host:port to listen on (default 127.0.0.1:7101).")
    var listen: String?

    @Option(name: .long, help: "The registry's own database URL (not shown by ps if given in the environment instead).")
    var databaseURL: String?

    @Option(name: .long, help: "The owner's database URL, used only to migrate.")
    var migrationDatabaseURL: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    func run() async throws {
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration(
                environment: ProcessInfo.processInfo.environment, defaultPort: 7101, listen: listen, databaseURL: databaseURL,
                migrationDatabaseURL: migrationDatabaseURL, logLevel: logLevel)
        } catch let invalid as ServiceConfiguration.Invalid {
            throw ValidationError(invalid.description)
        }
        try await ServiceRunner(name: "registry", configuration: configuration).run(
            migrate: { pool, logger in try await RegistryDatabase.migrate(on: pool, logger: logger) },
            makeServices: { pool in [RegistryHandler(pool: pool)] })
    }
}
