import FengqiaoRPC

/// What a credential may do. Every RPC names the roles it admits; a role it does not name is
/// refused with PERMISSION_DENIED.
public enum Role: String, CaseIterable, Sendable, Hashable, Codable {
    /// Runs the county: every station, credentials, the audit trail.
    case countyAdmin = "county_admin"
    /// Runs one station: its units, people, teams and credentials.
    case stationAdmin = "station_admin"
    /// A police officer of one station: records and reads its residents and places.
    case officer
    /// Mediates disputes for one station.
    case mediator
    /// Patrols for one station: places and QR plates, never residents' personal data.
    case patrolMember = "patrol_member"
    /// Reads aggregates across the county; never personal data.
    case analyst
    /// Another Fengqiao service, calling for itself or for a caller it names.
    case service

    /// Roles that belong to one station and see only its records.
    public var isStationScoped: Bool {
        switch self {
        case .stationAdmin, .officer, .mediator, .patrolMember: true
        case .countyAdmin, .analyst, .service: false
        }
    }

    /// Every role: for calls any credential may make.
    public static let everyone = Set(allCases)
}

/// Who is calling: the identity behind a verified credential, attached to the call's context.
public struct Caller: Sendable, Hashable {
    /// The credential presented (for a relayed call, the original caller's).
    public var credentialID: Int64
    public var role: Role
    /// The station (its unit id) of a station-scoped role; `nil` for county-wide roles.
    public var stationID: Int64?
    /// The person the credential was issued to, if any.
    public var personID: Int64?
    /// The service the credential was issued to, for the `service` role.
    public var serviceName: String?
    /// The service that relayed this call for the caller, if one did.
    public var relayedBy: String?

    public init(
        credentialID: Int64, role: Role, stationID: Int64? = nil, personID: Int64? = nil, serviceName: String? = nil,
        relayedBy: String? = nil
    ) {
        self.credentialID = credentialID
        self.role = role
        self.stationID = stationID
        self.personID = personID
        self.serviceName = serviceName
        self.relayedBy = relayedBy
    }

    /// The station the caller is confined to, or `nil` when it may see the whole county.
    public var confinedStation: Int64? {
        role.isStationScoped ? stationID : nil
    }
}

extension ServerContext {
    /// The verified caller, attached by ``AccessControlInterceptor``; `nil` on open methods.
    public var caller: Caller? {
        (identity as? CallerIdentity)?.caller
    }
}

/// Metadata keys the access layer reads.
public enum AccessMetadata {
    /// `authorization: Bearer <token>`.
    public static let authorization = "authorization"
    /// Sent by a service relaying a call: the original caller's credential id.
    public static let onBehalfOf = "fengqiao-on-behalf-of"
}
