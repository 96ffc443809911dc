import FengqiaoProtobuf
import NIOConcurrencyHelpers

/// The serving status a server's health service answers, settable per service.
///
/// ```swift
/// server.health.set(.notServing, for: "fengqiao.registry.v1.Registry")  // database down
/// server.health.set(.serving)                                           // the server as a whole
/// ```
public final class HealthStatus: Sendable {
    /// A service's readiness, as `Check` answers it.
    public typealias ServingStatus = HealthV1.CheckResponse.ServingStatus

    private let statuses: NIOLockedValueBox<[String: ServingStatus]>

    init(services: [String]) {
        var statuses: [String: ServingStatus] = ["": .serving, HealthV1.Health.serviceName: .serving]
        for name in services { statuses[name] = .serving }
        self.statuses = NIOLockedValueBox(statuses)
    }

    /// Sets the status of `service`, or of the server as a whole when `service` is empty.
    public func set(_ status: ServingStatus, for service: String = "") {
        statuses.withLockedValue { $0[service] = status }
    }

    /// The status of `service`: `serviceUnknown` for a service the server does not offer.
    public func status(of service: String) -> ServingStatus {
        statuses.withLockedValue { $0[service] ?? .serviceUnknown }
    }

    func setShuttingDown() {
        statuses.withLockedValue { statuses in
            for key in statuses.keys { statuses[key] = .notServing }
        }
    }
}

/// `fengqiao.health.v1.Health`, answered by every server.
struct HealthService: HealthV1.Health.Handler {
    let status: HealthStatus
    let services: [ProtobufServiceDescriptor]

    nonisolated(nonsending) func check(_ request: HealthV1.CheckRequest, context: ServerContext) async throws -> HealthV1.CheckResponse {
        HealthV1.CheckResponse(status: status.status(of: request.service))
    }

    nonisolated(nonsending) func listServices(
        _ request: HealthV1.ListServicesRequest,
        context: ServerContext
    ) async throws -> HealthV1.ListServicesResponse {
        let infos = services.sorted { $0.name < $1.name }.map { service in
            HealthV1.ServiceInfo(
                name: service.name,
                methods: service.methods.map { method in
                    HealthV1.MethodInfo(
                        name: method.name,
                        path: method.path,
                        requestType: method.requestType.protoMessageName,
                        responseType: method.responseType.protoMessageName,
                        serverStreaming: method.isServerStreaming
                    )
                }
            )
        }
        return HealthV1.ListServicesResponse(services: infos)
    }
}
