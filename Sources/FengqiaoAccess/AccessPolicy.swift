import FengqiaoProtobuf
import FengqiaoRPC

/// A kind of record whose station a service can look up: a unit, a person, a dispute…
public struct RecordKind: Hashable, Sendable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }

    /// The name as the audit trail writes it: lower case, `_` for spaces (`actual_unit`).
    public var auditName: String {
        String(name.lowercased().map { $0 == " " ? "_" : $0 })
    }
}

/// How a request names a record: by id or by code.
public enum RecordKey: Hashable, Sendable {
    case id(Int64)
    case code(String)

    var auditText: String {
        switch self {
        case .id(let id): "\(id)"
        case .code(let code): code
        }
    }
}

/// Whose a record is.
public enum Ownership: Hashable, Sendable {
    /// It belongs to this station (the station's unit id).
    case station(Int64)
    /// It belongs to the county, not to one station (the bureau and what hangs directly off it).
    case county
    /// No such record.
    case missing
}

/// Looks up the station a record belongs to; each service implements it over its own tables.
public protocol StationResolver: Sendable {
    func owner(of kind: RecordKind, _ key: RecordKey) async throws -> Ownership
}

/// Whether a call only reads a record or changes (or adds to) it.
public enum AccessKind: Sendable, Hashable {
    case read
    case write
}

/// One record a request refers to, and how to find it in the request.
///
/// A station-scoped caller may refer only to records of its station: a record of another station
/// is answered NOT_FOUND, exactly as if it did not exist, so ids cannot be probed; a county record
/// may be read but not changed (PERMISSION_DENIED).
public struct RecordReference<Request: ProtobufMessage>: Sendable {
    let field: String
    let kind: RecordKind
    let access: AccessKind
    let keys: @Sendable (Request) -> [RecordKey]
    /// For list filters: narrows a request that names no record, or a county record, to the station.
    let narrow: (@Sendable (inout Request, Int64) -> Void)?

    /// A record named by an id field; 0 names nothing.
    public static func id(_ kind: RecordKind, _ path: KeyPath<Request, Int64> & Sendable, field: String, _ access: AccessKind) -> Self {
        Self(field: field, kind: kind, access: access, keys: { request in
            let id = request[keyPath: path]
            return id == 0 ? [] : [.id(id)]
        }, narrow: nil)
    }

    /// Records named by a repeated id field.
    public static func ids(_ kind: RecordKind, _ path: KeyPath<Request, [Int64]> & Sendable, field: String, _ access: AccessKind) -> Self {
        Self(field: field, kind: kind, access: access, keys: { request in request[keyPath: path].filter { $0 != 0 }.map(RecordKey.id) }, narrow: nil)
    }

    /// A record named by a code field; empty names nothing.
    public static func code(_ kind: RecordKind, _ path: KeyPath<Request, String> & Sendable, field: String, _ access: AccessKind) -> Self {
        Self(field: field, kind: kind, access: access, keys: { request in
            let code = request[keyPath: path]
            return code.isEmpty ? [] : [.code(code)]
        }, narrow: nil)
    }

    /// A list's unit filter: a unit's subtree, with 0 meaning every unit. For a station-scoped
    /// caller, 0 or a county unit (the bureau) becomes its own station, so "everything" is the
    /// station's everything.
    public static func filter(_ kind: RecordKind, _ path: WritableKeyPath<Request, Int64> & Sendable, field: String) -> Self {
        Self(field: field, kind: kind, access: .read, keys: { request in
            let id = request[keyPath: path]
            return id == 0 ? [] : [.id(id)]
        }, narrow: { request, station in
            request[keyPath: path] = station
        })
    }
}

/// How a call's station is found, so the access layer can confine station-scoped callers.
public struct StationScope<Request: ProtobufMessage>: Sendable {
    enum Form: Sendable {
        case county
        case references([RecordReference<Request>])
        case handler
    }

    let form: Form

    /// The call touches no station's records (or only county-wide ones the roles already limit).
    public static var county: Self { Self(form: .county) }

    /// The call's station is that of the records it names.
    public static func references(_ references: RecordReference<Request>...) -> Self {
        Self(form: .references(references))
    }

    /// The handler confines the call itself, reading `context.caller` (for calls whose records
    /// sit inside repeated rows, such as an import).
    public static var handler: Self { Self(form: .handler) }
}

/// Whether a call's answer may go out when its audit event cannot be stored.
public enum AuditRequirement: Sendable, Hashable {
    /// The event is written after the call; if that fails, the failure is logged and the answer stands.
    case recorded
    /// No event, no answer: a call that shows personal data fails with UNAVAILABLE unless its event is stored.
    case requiredBeforeAnswer
}

/// What one method admits.
public struct AccessRule: Sendable {
    /// The roles that may call it.
    public let roles: Set<Role>
    /// Whether the handler confines station-scoped callers itself.
    public let scopedByHandler: Bool
    /// What happens when the call's audit event cannot be stored.
    public let audit: AuditRequirement
    /// Checks (and for list filters, narrows) an encoded request for a caller, and names the
    /// records it refers to for the audit trail (`unit:12`).
    let inspect: @Sendable (_ payload: [UInt8], _ caller: Caller, _ resolver: any StationResolver) async throws
        -> (payload: [UInt8], targets: [String])
    /// The records an encoded request names, for the audit event of a call refused before
    /// `inspect` answered; empty when it does not decode.
    let targets: @Sendable (_ payload: [UInt8]) -> [String]
}

/// Every method a service offers, the roles each admits, and how each finds its station. A
/// method the policy does not name is refused to everyone.
///
/// ```swift
/// static let policy = AccessPolicy { policy in
///     policy.allow(Registry.getUnit, Role.everyone, .references(.id(.unit, \.id, field: "id", .read)))
///     policy.allow(Registry.createUnit, [.countyAdmin, .stationAdmin],
///                  .references(.id(.unit, \.parentID, field: "parent_id", .write)))
/// }
/// ```
public struct AccessPolicy: Sendable {
    public private(set) var rules: [String: AccessRule] = [:]

    public init(_ build: (inout AccessPolicy) -> Void) {
        build(&self)
    }

    /// Admits `roles` to `method`, confined by `scope`.
    public mutating func allow<Request, Response>(
        _ method: ProtobufMethod<Request, Response>, _ roles: Set<Role>, _ scope: StationScope<Request>,
        audit: AuditRequirement = .recorded
    ) {
        precondition(rules[method.path] == nil, "\(method.path) is declared twice")
        let inspect: @Sendable ([UInt8], Caller, any StationResolver) async throws -> ([UInt8], [String])
        let targets: @Sendable ([UInt8]) -> [String]
        switch scope.form {
        case .county, .handler:
            inspect = { payload, _, _ in (payload, []) }
            targets = { _ in [] }
        case .references(let references):
            targets = { payload in
                (try? Request(serializedBytes: payload)).map { Self.targets(of: $0, references) } ?? []
            }
            inspect = { payload, caller, resolver in
                var request: Request
                do {
                    request = try Request(serializedBytes: payload)
                } catch {
                    throw RPCError.undecodableRequest(Request.self, error)
                }
                guard let station = caller.confinedStation else { return (payload, Self.targets(of: request, references)) }
                var narrowed = false
                for reference in references {
                    let keys = reference.keys(request)
                    if keys.isEmpty, let narrow = reference.narrow {
                        narrow(&request, station)
                        narrowed = true
                    }
                    for key in keys {
                        switch try await resolver.owner(of: reference.kind, key) {
                        case .missing:
                            break  // the handler answers NOT_FOUND in its own words
                        case .station(let owner) where owner == station:
                            break
                        case .county where reference.narrow != nil:
                            // A filter naming the county would reach every station: it becomes the caller's.
                            reference.narrow?(&request, station)
                            narrowed = true
                        case .station:
                            throw RPCError(
                                .notFound, "\(reference.kind) not found",
                                fieldViolations: [RPCV1.FieldViolation(field: reference.field, description: "\(reference.kind) not found")])
                        case .county where reference.access == .read:
                            break
                        case .county:
                            throw RPCError(
                                .permissionDenied, "only county_admin changes county records",
                                fieldViolations: [RPCV1.FieldViolation(field: reference.field, description: "a county record")])
                        }
                    }
                }
                return (narrowed ? try request.serializedBytes() : payload, Self.targets(of: request, references))
            }
        }
        var handler = false
        if case .handler = scope.form { handler = true }
        rules[method.path] = AccessRule(roles: roles, scopedByHandler: handler, audit: audit, inspect: inspect, targets: targets)
    }

    /// `kind:key` for each record a request names (`resident:42`, `unit:QS-CG`).
    static func targets<Request>(of request: Request, _ references: [RecordReference<Request>]) -> [String] {
        references.flatMap { reference in reference.keys(request).map { "\(reference.kind.auditName):\($0.auditText)" } }
    }

    /// The methods, sorted, with the roles each admits: for documentation and the access matrix.
    public var table: [(method: String, roles: Set<Role>)] {
        rules.keys.sorted().map { ($0, rules[$0]!.roles) }
    }
}
