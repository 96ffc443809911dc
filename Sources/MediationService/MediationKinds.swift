import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import MediationDomain

// The rules' kinds and the wire's enums share their short names (`joint_mediation`,
// `land_and_homestead`), which is also how the tables store them.

extension MediationV1.DisputeStage {
    init(_ stage: MediationDomain.DisputeStage) { self = Self(shortName: stage.rawValue) ?? .unspecified }
    var domain: MediationDomain.DisputeStage? { shortName.flatMap(MediationDomain.DisputeStage.init(rawValue:)) }
}

extension MediationV1.HandlingLevel {
    init(_ level: MediationDomain.HandlingLevel) { self = Self(shortName: level.rawValue) ?? .unspecified }
    var domain: MediationDomain.HandlingLevel? { shortName.flatMap(MediationDomain.HandlingLevel.init(rawValue:)) }
}

extension MediationV1.RiskFlag {
    init(_ flag: MediationDomain.RiskFlag) { self = Self(shortName: flag.rawValue) ?? .unspecified }
    var domain: MediationDomain.RiskFlag? { shortName.flatMap(MediationDomain.RiskFlag.init(rawValue:)) }
}

extension MediationV1.Department {
    init(_ department: MediationDomain.Department) { self = Self(shortName: department.rawValue) ?? .unspecified }
    var domain: MediationDomain.Department? { shortName.flatMap(MediationDomain.Department.init(rawValue:)) }
}

extension CommonV1.DisputeCategory {
    init(_ category: MediationDomain.DisputeCategory) { self = Self(shortName: category.rawValue) ?? .unspecified }
    var domain: MediationDomain.DisputeCategory? { shortName.flatMap(MediationDomain.DisputeCategory.init(rawValue:)) }
}

extension RegistryV1.MediatorTier {
    var domain: MediatorTier? { rawValue == 0 ? nil : MediatorTier(rawValue: Int(rawValue)) }
}

extension MediationRuleViolation: RPCStatusConvertible {
    /// FAILED_PRECONDITION naming the field at fault, with the rule's message.
    public var rpcError: RPCError {
        .failedPrecondition(message, field: field)
    }
}

/// Failures of mediation's own, beside the rules' and validation's.
enum MediationError: Error, RPCStatusConvertible {
    /// No dispute with this id, or one the caller may not see.
    case disputeNotFound(field: String)
    /// Another change came first.
    case versionConflict(expected: Int64, current: Int64)
    /// A reference the registry does not know (a unit, a person, a resident).
    case notFound(String, field: String)
    /// An idempotency key already used for another filing.
    case idempotencyKeyReused
    /// A request the dispute's state does not allow, outside the rule tables.
    case precondition(String, field: String)

    var rpcError: RPCError {
        switch self {
        case .disputeNotFound(let field):
            RPCError(.notFound, "dispute not found", fieldViolations: [.init(field: field, description: "dispute not found")])
        case .versionConflict(let expected, let current):
            RPCError(
                .aborted, "the dispute changed: it is at version \(current), not \(expected); read it again and retry",
                fieldViolations: [.init(field: "expected_version", description: "is \(current) now")])
        case .notFound(let what, let field):
            RPCError(.notFound, "\(what) not found", fieldViolations: [.init(field: field, description: "\(what) not found")])
        case .idempotencyKeyReused:
            RPCError(
                .alreadyExists, "the idempotency key was already used for a different filing",
                fieldViolations: [.init(field: "idempotency_key", description: "already used for a different filing")])
        case .precondition(let message, let field):
            .failedPrecondition(message, field: field)
        }
    }
}
