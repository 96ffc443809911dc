import FengqiaoPostgres
import FengqiaoTestSupport
import FengqiaoSecurity
import RegistryService

/// Seals and masks with the tests' fixed keys.
let testPersonalData = PersonalDataColumns(
    cipher: PersonalDataCipher(keys: try! PersonalDataKeys(configuration: TestPersonalData.keys, source: "tests")))

/// Runs `body` with a pool on a fresh database that has the registry's migrations applied.
func withMigratedRegistry(maximumConnections: Int = 2, _ body: (PostgresPool) async throws -> Void) async throws {
    try await TestPostgres.withFreshDatabase { configuration in
        let pool = PostgresPool(
            configuration: configuration, options: .init(maximumConnections: maximumConnections), logger: TestPostgres.testLogger())
        try await RegistryDatabase.migrate(on: pool, logger: TestPostgres.testLogger())
        do {
            try await body(pool)
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }
}
