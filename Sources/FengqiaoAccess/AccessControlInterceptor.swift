import FengqiaoRPC
import Logging

/// Authenticates every call and enforces a service's ``AccessPolicy``: the first interceptor of
/// every Fengqiao server.
///
/// - Health checks and `ListServices` stay open.
/// - A missing, malformed, unknown, expired or revoked credential: UNAUTHENTICATED.
/// - A method the policy does not declare, or a role it does not admit: PERMISSION_DENIED.
/// - A station-scoped caller naming another station's record: NOT_FOUND, as if it did not exist;
///   changing a county record: PERMISSION_DENIED; a list without a filter is narrowed to the
///   caller's station.
/// - A `service` caller may relay a call for another caller by sending
///   `fengqiao-on-behalf-of: <credential id>`; the call is then checked as that caller's.
///
/// The verified ``Caller`` is in `context.caller` for the handler.
public struct AccessControlInterceptor: ServerInterceptor {
    public let policy: AccessPolicy
    public let verifier: CredentialVerifier
    public let resolver: any StationResolver
    /// Methods anyone may call without a credential.
    public let openMethods: Set<String>

    public static let defaultOpenMethods: Set<String> = [
        "/fengqiao.health.v1.Health/Check", "/fengqiao.health.v1.Health/ListServices",
    ]

    public init(policy: AccessPolicy, verifier: CredentialVerifier, resolver: any StationResolver, openMethods: Set<String> = defaultOpenMethods) {
        self.policy = policy
        self.verifier = verifier
        self.resolver = resolver
        self.openMethods = openMethods
    }

    public func intercept(request: ServerRequest, context: ServerContext, next: Next) async throws -> ServerResponse {
        if openMethods.contains(request.method) { return try await next(request, context) }
        var caller: Caller
        do {
            guard let header = context.metadata[AccessMetadata.authorization], !header.isEmpty else { throw AuthenticationFailure.missing }
            caller = try await verifier.authenticate(token: header)
            if let relayed = context.metadata[AccessMetadata.onBehalfOf] {
                guard caller.role == .service else {
                    throw RPCError(.permissionDenied, "only a service may call on behalf of another caller")
                }
                guard let id = Int64(relayed), id > 0 else { throw AuthenticationFailure.malformed }
                let service = caller.serviceName ?? "service"
                caller = try await verifier.caller(credentialID: id)
                caller.relayedBy = service
            }
        } catch let failure as AuthenticationFailure {
            throw RPCError(.unauthenticated, failure.description)
        }
        guard let rule = policy.rules[request.method] else {
            throw RPCError(.permissionDenied, "\(request.method) is not open to any role")
        }
        guard rule.roles.contains(caller.role) else {
            throw RPCError(.permissionDenied, "the role \(caller.role.rawValue) may not call \(request.method)")
        }
        var request = request
        request.payload = try await rule.confine(request.payload, caller, resolver)
        var context = context
        context.identity = caller
        context.logger[metadataKey: "caller.credential"] = "\(caller.credentialID)"
        context.logger[metadataKey: "caller.role"] = "\(caller.role.rawValue)"
        if let station = caller.stationID { context.logger[metadataKey: "caller.station"] = "\(station)" }
        return try await next(request, context)
    }
}
