import FengqiaoPostgres
import Foundation
import Logging

/// Mediation's schema and its migrations, shipped as SQL files beside the code.
public enum MediationDatabase {
    /// The schema mediation owns.
    public static let schema = "mediation"

    /// The numbered migrations, from `Migrations/NNNN_name.sql` in this module's resources.
    public static func migrations() throws -> [PostgresMigration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(.migrationFailed, "mediation's migrations are missing from its resources")
        }
        return try PostgresMigration.load(from: directory)
    }

    /// Brings the `mediation` schema up to date; safe to run from several replicas at once.
    @discardableResult
    public static func migrate(on pool: PostgresPool, logger: Logger) async throws -> [Int] {
        try await PostgresMigrator(schema: schema, migrations: migrations()).migrate(on: pool, logger: logger)
    }
}
