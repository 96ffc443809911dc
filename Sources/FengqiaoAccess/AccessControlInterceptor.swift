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
    /// Where every call's audit event goes; `nil` records nothing (tests of the policy alone).
    public let audit: (any AuditSink)?
    /// The service's name in audit events (`registry`).
    public let serviceName: String
    /// Methods anyone may call without a credential.
    public let openMethods: Set<String>

    public static let defaultOpenMethods: Set<String> = [
        "/fengqiao.health.v1.Health/Check", "/fengqiao.health.v1.Health/ListServices",
    ]

    public init(
        policy: AccessPolicy, verifier: CredentialVerifier, resolver: any StationResolver, audit: (any AuditSink)? = nil,
        serviceName: String = "", openMethods: Set<String> = defaultOpenMethods
    ) {
        self.policy = policy
        self.verifier = verifier
        self.resolver = resolver
        self.audit = audit
        self.serviceName = serviceName
        self.openMethods = openMethods
    }

    public func intercept(request: ServerRequest, context: ServerContext, next: Next) async throws -> ServerResponse {
        if openMethods.contains(request.method) { return try await next(request, context) }
        var event = AuditEvent(
            service: serviceName, method: request.method, requestID: context.requestID, peer: context.peer?.auditText ?? "", outcome: "")
        var required = false
        var admitted = false
        let rule = policy.rules[request.method]
        do {
            let caller = try await authenticate(context)
            event.attribute(to: caller)
            guard let rule else {
                throw RPCError(.permissionDenied, "\(request.method) is not open to any role")
            }
            guard rule.roles.contains(caller.role) else {
                throw RPCError(.permissionDenied, "the role \(caller.role.rawValue) may not call \(request.method)")
            }
            required = rule.audit == .requiredBeforeAnswer
            var request = request
            (request.payload, event.targets) = try await rule.inspect(request.payload, caller, resolver)
            let identity = CallerIdentity(caller: caller)
            var context = context
            context.identity = identity
            context.logger[metadataKey: "caller.credential"] = "\(caller.credentialID)"
            context.logger[metadataKey: "caller.role"] = "\(caller.role.rawValue)"
            if let station = caller.stationID { context.logger[metadataKey: "caller.station"] = "\(station)" }
            admitted = true
            // The handler's note, read once the call has ended, however it ended.
            defer { event.detail = identity.auditDetail }
            let response = try await next(request, context)
            event.outcome = "OK"
            event.detail = identity.auditDetail
            try await record(event, required: required, context: context)
            return response
        } catch let error as AuditFailure {
            throw error.rpcError
        } catch {
            event.outcome = context.statusCode(of: error).name
            if event.targets.isEmpty, let rule {
                // Refused before the records were named: name them now, for a probe is worth tracing.
                event.targets = rule.targets(request.payload)
            }
            if !admitted {
                // Refused at the gate; failures past it are logged by the logging interceptor.
                context.logger.notice("call refused", metadata: [
                    "rpc.code": "\(event.outcome)", "caller.credential": "\(event.credentialID.map(String.init) ?? "none")",
                ])
            }
            if event.credentialID == nil {
                // The id a refused token claims, so that attempts on one credential can be traced.
                event.credentialID = context.metadata[AccessMetadata.authorization].flatMap(CredentialVerifier.claimedID(in:))
            }
            try? await record(event, required: false, context: context)
            throw error
        }
    }

    /// The verified caller; for a relayed call, the caller the service names.
    private func authenticate(_ context: ServerContext) async throws -> Caller {
        do {
            guard let header = context.metadata[AccessMetadata.authorization], !header.isEmpty else { throw AuthenticationFailure.missing }
            var caller = try await verifier.authenticate(token: header)
            if let relayed = context.metadata[AccessMetadata.onBehalfOf] {
                guard caller.role == .service else {
                    throw RPCError(.permissionDenied, "only a service may call on behalf of another caller")
                }
                guard let id = Int64(relayed), id > 0 else { throw AuthenticationFailure.malformed }
                let service = caller.serviceName ?? "service"
                caller = try await verifier.caller(credentialID: id)
                caller.relayedBy = service
            }
            return caller
        } catch let failure as AuthenticationFailure {
            throw RPCError(.unauthenticated, failure.description)
        }
    }

    /// Stores the event. A failure is logged; when the answer depends on the event, it becomes the call's failure.
    private func record(_ event: AuditEvent, required: Bool, context: ServerContext) async throws {
        guard let audit else { return }
        do {
            if Task.isCancelled {
                // A call cut short by its deadline or its client is still recorded: in a task of its
                // own, which the call's cancellation does not reach.
                try await Task { try await audit.record(event) }.value
            } else {
                try await audit.record(event)
            }
        } catch {
            context.logger.error("audit event not stored", metadata: ["error.type": "\(type(of: error))", "audit.outcome": "\(event.outcome)"])
            if required { throw AuditFailure() }
        }
    }
}

/// The audit event of a call that shows personal data could not be stored, so the answer is withheld.
struct AuditFailure: Error {
    var rpcError: RPCError {
        .unavailable("the audit trail is unavailable, so the answer is withheld; try again")
    }
}
