import FengqiaoAccess
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime

extension RegistryHandler {
    public func issueCredential(_ request: RegistryV1.IssueCredentialRequest, context: ServerContext) async throws -> RegistryV1.IssuedCredential {
        var check = Validation()
        let role = request.role.accessRole
        if role == nil { check.fail("role", "is required") }
        if let role {
            if role.isStationScoped {
                check.id(request.stationID, field: "station_id")
            } else if request.stationID != 0 {
                check.fail("station_id", "only station roles have a station")
            }
            if role == .service {
                if request.personID != 0 { check.fail("person_id", "a service credential names no person") }
            } else {
                check.id(request.personID, field: "person_id")
            }
        }
        let serviceName = check.code(request.serviceName, field: "service_name", maxLength: 32, required: role == .service)
        if role != .service && !serviceName.isEmpty { check.fail("service_name", "only a service credential names a service") }
        let label = check.text(request.label, field: "label", maxLength: 100, required: false)
        check.range(request.validDays, 0...3650, field: "valid_days")
        try check.finish()
        guard let role else { throw RPCError(.internal, "unreachable") }
        if let caller = context.caller, caller.role == .stationAdmin, ![.officer, .mediator, .patrolMember].contains(role) {
            throw RPCError(
                .permissionDenied, "a station admin issues officer, mediator and patrol member credentials",
                fieldViolations: [RPCV1.FieldViolation(field: "role", description: "not for a station admin to issue")])
        }
        let issued = try await credentials.issue(
            .init(
                role: role, stationID: request.stationID == 0 ? nil : request.stationID, personID: request.personID == 0 ? nil : request.personID,
                serviceName: serviceName.isEmpty ? nil : serviceName, label: label, validDays: request.validDays == 0 ? 90 : Int(request.validDays)),
            issuedBy: context.caller?.credentialID)
        return RegistryV1.IssuedCredential(credential: issued.credential, token: issued.token)
    }

    public func revokeCredential(_ request: RegistryV1.RevokeCredentialRequest, context: ServerContext) async throws -> RegistryV1.Credential {
        var check = Validation()
        check.id(request.id, field: "id")
        let reason = check.text(request.reason, field: "reason", maxLength: 500, required: false)
        try check.finish()
        let credential = try await credentials.revoke(id: request.id, by: context.caller?.credentialID, reason: reason)
        verifier?.forget(credentialID: request.id)
        return credential
    }

    public func listCredentials(_ request: RegistryV1.ListCredentialsRequest, context: ServerContext) async throws -> RegistryV1.ListCredentialsResponse {
        var check = Validation()
        check.id(request.stationID, field: "station_id", required: false)
        let page = check.page(request.page)
        try check.finish()
        let result = try await credentials.list(stationID: request.stationID, includeInactive: request.includeInactive, page: page)
        return RegistryV1.ListCredentialsResponse(credentials: result.credentials, page: CommonV1.PageResponse(nextPageToken: result.nextPageToken))
    }

    public func whoAmI(_ request: RegistryV1.WhoAmIRequest, context: ServerContext) async throws -> RegistryV1.Credential {
        guard let caller = context.caller else { throw RPCError(.unauthenticated, AuthenticationFailure.missing.description) }
        return try await credentials.get(id: caller.credentialID)
    }
}
