import FengqiaoAccess
import FengqiaoMessages
import FengqiaoRPC
import Foundation

/// Mediation's calls to the registry: with the service's own credential, the caller's remaining
/// deadline and request id, and — for the calls a person's role may make there — the caller's
/// identity (`fengqiao-on-behalf-of`), so the registry applies that caller's own limits too.
///
/// A registry that cannot be reached answers UNAVAILABLE, and one that does not answer in time
/// DEADLINE_EXCEEDED, each naming the registry and its address.
public struct RegistryGateway: Sendable {
    let registry: RegistryV1.Registry.Client
    /// The service's credential (`fq_<id>_<secret>`), as issued to `mediation`.
    let token: String
    /// The registry's address, for messages.
    let address: String
    /// How long a call made outside any caller's deadline (start-up, credential checks) may take.
    let defaultTimeout: Duration

    public init(client: RPCClient, token: String, address: String, defaultTimeout: Duration = .seconds(10)) {
        self.registry = RegistryV1.Registry.Client(client)
        self.token = token
        self.address = address
        self.defaultTimeout = defaultTimeout
    }

    /// Options for one call: the service's credential, the context's deadline and request id, and
    /// the caller relayed when `relaying` names one a person's role may relay.
    func options(_ context: ServerContext?, relaying caller: Caller? = nil) -> CallOptions {
        var options = CallOptions(timeout: context?.deadline == nil ? defaultTimeout : nil, deadline: context?.deadline)
        options.metadata[RPCMetadataKey.authorization] = "Bearer " + token
        if let context { options.metadata[RPCMetadataKey.requestID] = context.requestID }
        if let caller, Self.relayedRoles.contains(caller.role) {
            options.metadata[AccessMetadata.onBehalfOf] = String(caller.credentialID)
        }
        return options
    }

    /// Roles whose identity goes with the registry calls made for them. Patrol members (whose
    /// reports a service relays here) and services call the registry as mediation itself.
    static let relayedRoles: Set<Role> = [.countyAdmin, .stationAdmin, .officer, .mediator]

    /// Runs one registry call, naming the registry in transport failures.
    func call<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as RPCError {
            switch error.code {
            case .unavailable:
                throw RPCError(.unavailable, "the registry (\(address)) is unavailable, so nothing was changed: \(error.message)")
            case .deadlineExceeded:
                throw RPCError(.deadlineExceeded, "the registry (\(address)) did not answer \(what) before the deadline")
            case .unauthenticated:
                throw RPCError(.unavailable, "the registry (\(address)) refused mediation's service credential: \(error.message)")
            default:
                throw error
            }
        }
    }

    // MARK: Calls

    public func unit(_ id: Int64, context: ServerContext?, caller: Caller? = nil) async throws -> RegistryV1.Unit {
        try await call("GetUnit") { try await registry.getUnit(.init(id: id), options(context, relaying: caller)) }
    }

    public func person(_ id: Int64, context: ServerContext?, caller: Caller? = nil) async throws -> RegistryV1.Person {
        try await call("GetPerson") { try await registry.getPerson(.init(id: id), options(context, relaying: caller)) }
    }

    /// The units from `id` up to the bureau: the unit itself first.
    public func unitPath(_ unit: RegistryV1.Unit, context: ServerContext?) async throws -> [Int64] {
        var path = [unit.id]
        var parent = unit.parentID
        // Units nest at most six deep (bureau, station, room or district, grid, community, compound).
        while parent != 0, path.count < 12 {
            path.append(parent)
            parent = try await self.unit(parent, context: context).parentID
        }
        return path
    }

    public func householdTies(personIDs: [Int64], residentIDs: [Int64], context: ServerContext?) async throws -> [RegistryV1.HouseholdTie] {
        if personIDs.isEmpty && residentIDs.isEmpty { return [] }
        return try await call("GetHouseholdTies") {
            try await registry.getHouseholdTies(.init(personIDs: personIDs, residentIDs: residentIDs), options(context)).ties
        }
    }

    public func candidates(
        level: Int32, category: CommonV1.DisputeCategory, communityID: Int64, excluded: [Int64], limit: UInt32,
        context: ServerContext?, caller: Caller?
    ) async throws -> RegistryV1.GetMediatorCandidatesResponse {
        try await call("GetMediatorCandidates") {
            try await registry.getMediatorCandidates(
                .init(level: level, category: category, communityID: communityID, excludedPersonIDs: excluded, limit: limit),
                options(context, relaying: caller))
        }
    }

    /// Tells the registry how many open disputes a mediator leads, as mediation itself (the
    /// registry ranks candidates by it).
    public func reportLoad(personID: Int64, openCases: Int32, context: ServerContext?) async throws {
        _ = try await call("ReportMediatorLoad") {
            try await registry.reportMediatorLoad(.init(personID: personID, openCases: openCases), options(context))
        }
    }

    public func lookUpCredential(_ id: Int64) async throws -> RegistryV1.LookUpCredentialResponse {
        try await call("LookUpCredential") { try await registry.lookUpCredential(.init(id: id), options(nil)) }
    }
}

/// Checks callers' credentials against the registry's, through `LookUpCredential` (the verifier
/// caches each answer for 30 seconds).
public struct RegistryCredentialSource: CredentialSource {
    let gateway: RegistryGateway

    public init(gateway: RegistryGateway) {
        self.gateway = gateway
    }

    public func credential(id: Int64) async throws -> StoredCredential? {
        let answer = try await gateway.lookUpCredential(id)
        guard let credential = answer.credential, let role = credential.role.shortName.flatMap(Role.init(rawValue:)) else { return nil }
        func instant(_ milliseconds: Int64) -> Date? {
            milliseconds == 0 ? nil : Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        }
        return StoredCredential(
            id: credential.id, secretHash: Data(answer.secretHash),
            caller: Caller(
                credentialID: credential.id, role: role, stationID: credential.stationID == 0 ? nil : credential.stationID,
                personID: credential.personID == 0 ? nil : credential.personID,
                serviceName: credential.serviceName.isEmpty ? nil : credential.serviceName),
            expiresAt: instant(credential.expiresAtMs), revokedAt: instant(credential.revokedAtMs))
    }
}
