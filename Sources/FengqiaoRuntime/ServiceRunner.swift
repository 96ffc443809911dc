import FengqiaoPostgres
import FengqiaoRPC
import Logging

/// Starts a service the same way in every executable: migrate its schema, open its pool, serve
/// its RPCs with the health service, and stop gracefully on SIGTERM or SIGINT.
public struct ServiceRunner: Sendable {
    /// The service's name in logs (`registry`).
    public var name: String
    public var configuration: ServiceConfiguration

    public init(name: String, configuration: ServiceConfiguration) {
        self.name = name
        self.configuration = configuration
    }

    /// A logger for the service, at the configured level, writing to standard error.
    public func makeLogger() -> Logger {
        var logger = Logger(label: "fengqiao.\(name)")
        logger.logLevel = configuration.logLevel
        logger[metadataKey: "service"] = "\(name)"
        return logger
    }

    /// Migrates with the migration login, then serves the services `makeServices` builds on a pool
    /// of the service's own login, until a signal asks it to stop.
    ///
    /// - Parameter migrate: brings the schema up to date on the given pool.
    public func run(
        migrate: (PostgresPool, Logger) async throws -> Void,
        makeServices: (PostgresPool) async throws -> [any RPCService]
    ) async throws {
        try await run(migrate: migrate) { pool in (try await makeServices(pool), []) }
    }

    /// Migrates, then serves the services with the interceptors (the first outermost) that
    /// `makeServer` builds on the service's pool (it may first do start-up work on the pool).
    public func run(
        migrate: (PostgresPool, Logger) async throws -> Void,
        makeServer: (PostgresPool) async throws -> (services: [any RPCService], interceptors: [any ServerInterceptor])
    ) async throws {
        let logger = makeLogger()
        if configuration.tls == nil, !configuration.listensOnLoopback {
            logger.warning(
                "TLS is off on a listener reachable from other machines: calls and credentials cross the network in clear (set FENGQIAO_TLS_CERTIFICATE and FENGQIAO_TLS_KEY)",
                metadata: ["rpc.address": "\(configuration.listen)"])
        }
        let migrationPool = PostgresPool(
            configuration: try PostgresConfiguration(configuration.migrationDatabaseURL), options: .init(maximumConnections: 1), logger: logger)
        try await migrate(migrationPool, logger)
        await migrationPool.close()

        let pool = PostgresPool(
            configuration: try PostgresConfiguration(configuration.databaseURL),
            options: .init(maximumConnections: configuration.poolSize), logger: logger)
        let services: [any RPCService], interceptors: [any ServerInterceptor]
        do {
            (services, interceptors) = try await makeServer(pool)
        } catch {
            await pool.close()
            throw error
        }
        var serverConfiguration = RPCServerConfiguration(host: configuration.listen.host, port: configuration.listen.port)
        serverConfiguration.tls = configuration.tls
        // Innermost, so that each call's log lines carry what the outer interceptors learnt (the caller).
        let server = RPCServer(
            configuration: serverConfiguration, services: services, interceptors: interceptors + [LoggingServerInterceptor()], logger: logger)
        logger.info("listening", metadata: ["rpc.address": "\(configuration.listen)"])
        try await server.runUntilSignalled()
        await pool.close()
    }
}
