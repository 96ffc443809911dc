import FengqiaoProtobuf
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// A Fengqiao RPC server: listens on TCP, runs many calls per connection, answers health checks.
///
/// ```swift
/// let server = RPCServer(configuration: .init(host: "0.0.0.0", port: 7400),
///                        services: [RegistryHandlers(store: store)], logger: logger)
/// try await server.run()               // until beginGracefulShutdown() or cancellation
/// ```
///
/// It is a swift-service-lifecycle `Service`: in a `ServiceGroup` with `gracefulShutdownSignals:
/// [.sigterm, .sigint]`, a signal sends GO_AWAY and drains calls within the grace period.
///
/// Every server also answers `fengqiao.health.v1.Health` (see ``health``).
public final class RPCServer: Service, Sendable {
    private struct State {
        var channel: (any Channel)?
        var portWaiters: [CheckedContinuation<Int, any Error>] = []
        var port: Int?
        var shuttingDown = false
        var connections: [ObjectIdentifier: ServerConnection] = [:]
        var acceptingStopped = false
    }

    /// The serving status answered by the health service; set it per service.
    public let health: HealthStatus
    private let shared: ServerShared
    var logger: Logger { shared.logger }
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())
    private let drained = CallSignal()

    /// Creates a server offering `services` (plus the health service).
    public init(
        configuration: RPCServerConfiguration,
        services: [any RPCService],
        interceptors: [any ServerInterceptor] = [],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        var router = RPCRouter()
        for service in services { router.add(service) }
        let health = HealthStatus(services: services.map(\.serviceDescriptor.name))
        self.health = health
        router.add(HealthService(status: health, services: router.services + [HealthV1.Health.descriptor]))
        self.shared = ServerShared(configuration: configuration, router: router, interceptors: interceptors, logger: logger)
        self.group = eventLoopGroup
    }

    /// The port the server listens on, once it does (useful with port 0).
    ///
    /// - Throws: when the server stopped before listening.
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let port: Int? = state.withLockedValue { state in
                if let port = state.port { return port }
                state.portWaiters.append(continuation)
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }

    /// Listens and serves until ``beginGracefulShutdown()`` (or a `ServiceGroup`'s graceful
    /// shutdown, as on SIGTERM) has drained every connection, or the task is cancelled.
    ///
    /// - Throws: when the address cannot be bound, or ``TLSFileError`` when a TLS file cannot be
    ///   used.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await serve()
        } onGracefulShutdown: {
            self.beginGracefulShutdown()
        }
    }

    private func serve() async throws {
        let configuration = shared.configuration
        let serverChannel: NIOAsyncChannel<ServerConnection, Never>
        let shared = self.shared
        let logger = shared.logger
        do {
            let tls = try configuration.tls?.makeContext()
            serverChannel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let activity = CallActivity()
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                            try channel.pipeline.syncOperations.addHandler(TLSHandshakeHandler(side: .server(logger)))
                        }
                        try channel.pipeline.syncOperations.addRPCHandlers(
                            maximumFrameLength: configuration.maximumFrameLength,
                            idleTimeout: configuration.idleTimeout,
                            activity: activity
                        )
                        let connection = ServerConnection(channel: channel, shared: shared, activity: activity)
                        try channel.pipeline.syncOperations.addHandler(ServerChannelHandler(connection: connection))
                        return connection
                    }
                }
        } catch {
            let waiters = state.withLockedValue { state in
                defer { state.portWaiters = [] }
                return state.portWaiters
            }
            for waiter in waiters { waiter.resume(throwing: error) }
            throw error
        }
        let port = serverChannel.channel.localAddress?.port ?? configuration.port
        let (waiters, closeNow) = state.withLockedValue { state in
            state.channel = serverChannel.channel
            state.port = port
            defer { state.portWaiters = [] }
            return (state.portWaiters, state.shuttingDown)
        }
        for waiter in waiters { waiter.resume(returning: port) }
        if closeNow { serverChannel.channel.close(promise: nil) }
        let tlsMode = configuration.tls.map { $0.requiresClientCertificate ? "mutual" : "on" } ?? "off"
        shared.logger.info("listening", metadata: ["net.port": "\(port)", "net.tls": "\(tlsMode)"])

        try await serverChannel.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound {
                    guard register(connection) else {
                        connection.channel.close(promise: nil)
                        continue
                    }
                    group.addTask {
                        await connection.serve()
                        self.unregister(connection)
                    }
                }
                // Stopped accepting: give the calls in flight the grace period, then cancel them.
                let idle = state.withLockedValue { state in
                    state.acceptingStopped = true
                    return state.connections.isEmpty
                }
                if idle { drained.fire(.cancelled) }
                await withTaskGroup(of: Void.self) { timer in
                    timer.addTask { _ = await self.drained.wait() }
                    timer.addTask {
                        try? await Task.sleep(for: configuration.shutdownGracePeriod)
                    }
                    await timer.next()
                    timer.cancelAll()
                }
                let remaining = state.withLockedValue { Array($0.connections.values) }
                for connection in remaining { connection.cancelAll() }
            }
        }
        shared.logger.info("stopped")
    }

    /// Stops accepting connections, sends GO_AWAY on every connection, and lets calls in flight
    /// finish within the grace period; ``run()`` returns once they have.
    public func beginGracefulShutdown() {
        let (channel, connections) = state.withLockedValue { state in
            state.shuttingDown = true
            return (state.channel, Array(state.connections.values))
        }
        health.setShuttingDown()
        channel?.close(promise: nil)
        for connection in connections {
            connection.drain(reason: .shuttingDown, message: "server is shutting down")
        }
    }

    private func register(_ connection: ServerConnection) -> Bool {
        state.withLockedValue { state in
            guard !state.shuttingDown else { return false }
            state.connections[ObjectIdentifier(connection)] = connection
            return true
        }
    }

    private func unregister(_ connection: ServerConnection) {
        let idle = state.withLockedValue { state in
            state.connections[ObjectIdentifier(connection)] = nil
            return state.connections.isEmpty && state.acceptingStopped
        }
        if idle { drained.fire(.cancelled) }
    }
}
