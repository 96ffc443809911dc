import FengqiaoRPC

/// A registry request that names something missing, takes something taken, or breaks a rule.
///
/// Mapped to a status once, at the server boundary; the message names the field, never a value.
public struct RegistryError: Error, Sendable, Hashable {
    public enum Code: Sendable, Hashable {
        /// A referenced record does not exist: NOT_FOUND.
        case notFound
        /// A unique value is taken: ALREADY_EXISTS.
        case alreadyExists
        /// The request is valid but the records' state forbids it: FAILED_PRECONDITION.
        case failedPrecondition
    }

    public var code: Code
    /// The request field at fault.
    public var field: String
    /// What is wrong, without values.
    public var message: String

    public init(_ code: Code, field: String, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    static func notFound(_ field: String, _ what: String) -> RegistryError {
        RegistryError(.notFound, field: field, "\(what) not found")
    }

    static func alreadyExists(_ field: String, _ what: String) -> RegistryError {
        RegistryError(.alreadyExists, field: field, "\(what) already exists")
    }
}

extension RegistryError: RPCStatusConvertible {
    public var rpcError: RPCError {
        let violation = [RPCV1.FieldViolation(field: field, description: message)]
        switch code {
        case .notFound: return RPCError(.notFound, message, fieldViolations: violation)
        case .alreadyExists: return RPCError(.alreadyExists, message, fieldViolations: violation)
        case .failedPrecondition: return RPCError(.failedPrecondition, message, fieldViolations: violation)
        }
    }
}
