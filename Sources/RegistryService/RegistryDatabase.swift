import FengqiaoPostgres
import Logging

import Foundation

/// The registry's schema and its migrations, shipped as SQL files beside the code.
public enum RegistryDatabase {
    /// The schema the registry owns.
    public static let schema = "registry"

    /// The numbered migrations, from `Migrations/NNNN_name.sql` in this module's resources.
    public static func migrations() throws -> [PostgresMigration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(.migrationFailed, "the registry's migrations are missing from its resources")
        }
        return try PostgresMigration.load(from: directory)
    }

    /// Brings the `registry` schema up to date; safe to run from several replicas at once.
    @discardableResult
    public static func migrate(on pool: PostgresPool, logger: Logger) async throws -> [Int] {
        try await PostgresMigrator(schema: schema, migrations: migrations()).migrate(on: pool, logger: logger)
    }
}
