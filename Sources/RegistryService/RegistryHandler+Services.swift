import FengqiaoAccess
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import FengqiaoRuntime

/// Calls other services make: checking their callers' credentials, and conflict-of-interest ties.
extension RegistryHandler {
    public func lookUpCredential(
        _ request: RegistryV1.LookUpCredentialRequest, context: ServerContext
    ) async throws -> RegistryV1.LookUpCredentialResponse {
        var check = Validation()
        check.id(request.id, field: "id")
        try check.finish()
        guard let stored = try await credentials.credential(id: request.id) else { return RegistryV1.LookUpCredentialResponse() }
        return RegistryV1.LookUpCredentialResponse(credential: try await credentials.get(id: request.id), secretHash: [UInt8](stored.secretHash))
    }

    public func getHouseholdTies(
        _ request: RegistryV1.GetHouseholdTiesRequest, context: ServerContext
    ) async throws -> RegistryV1.GetHouseholdTiesResponse {
        var check = Validation()
        for (field, ids) in [("person_ids", request.personIDs), ("resident_ids", request.residentIDs)] {
            if ids.count > 200 { check.fail(field, "at most 200 ids") }
            if Set(ids).count != ids.count { check.fail(field, "each id once") }
            for (index, id) in ids.enumerated() { check.id(id, field: "\(field)[\(index)]") }
        }
        if request.personIDs.isEmpty && request.residentIDs.isEmpty { check.fail("person_ids", "name at least one person or resident") }
        try check.finish()
        return RegistryV1.GetHouseholdTiesResponse(ties: try await householdTies.ties(personIDs: request.personIDs, residentIDs: request.residentIDs))
    }
}
