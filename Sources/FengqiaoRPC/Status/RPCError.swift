/// The failure of a call: a status code, a message for people, the request fields at fault, and
/// metadata to return with the answer.
///
/// Handlers throw it (or an error conforming to ``RPCStatusConvertible``); clients receive it
/// for every answer whose code is not `ok`.
///
/// ```swift
/// throw RPCError(.invalidArgument, "unit name is empty",
///                fieldViolations: [.init(field: "unit.name", description: "must not be empty")])
/// ```
///
/// `description` holds only the code and the message, which never carry personal data.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code, in gRPC's numbering.
    public typealias Code = RPCV1.Code

    /// How the call ended.
    public var code: Code
    /// A short English description; never personal data or internals.
    public var message: String
    /// The request fields that were rejected, for `invalidArgument`.
    public var fieldViolations: [RPCV1.FieldViolation]
    /// Metadata to send with (or received with) the answer.
    public var metadata: [String: String]

    /// Creates an error with `code` and `message`.
    public init(
        _ code: Code,
        _ message: String,
        fieldViolations: [RPCV1.FieldViolation] = [],
        metadata: [String: String] = [:]
    ) {
        self.code = code
        self.message = message
        self.fieldViolations = fieldViolations
        self.metadata = metadata
    }

    /// Creates the error an answer's status describes.
    public init(status: RPCV1.Status, metadata: [String: String] = [:]) {
        self.init(status.code, status.message, fieldViolations: status.fieldViolations, metadata: metadata)
    }

    /// The status to put on the wire.
    public var status: RPCV1.Status {
        RPCV1.Status(code: code, message: message, fieldViolations: fieldViolations)
    }

    /// The code and message.
    public var description: String {
        "\(code.name): \(message)"
    }
}

extension RPCError {
    /// `invalidArgument` naming one field: the request is wrong whatever the state of the system.
    public static func invalidArgument(_ message: String, field: String? = nil) -> RPCError {
        RPCError(
            .invalidArgument,
            message,
            fieldViolations: field.map { [RPCV1.FieldViolation(field: $0, description: message)] } ?? []
        )
    }

    /// `notFound`: a record the request names does not exist.
    public static func notFound(_ message: String) -> RPCError { RPCError(.notFound, message) }

    /// `failedPrecondition`: valid request, but the system's state does not allow it yet.
    public static func failedPrecondition(_ message: String, field: String? = nil) -> RPCError {
        RPCError(
            .failedPrecondition,
            message,
            fieldViolations: field.map { [RPCV1.FieldViolation(field: $0, description: message)] } ?? []
        )
    }

    /// `unavailable`: try again later (idempotent calls may be retried).
    public static func unavailable(_ message: String) -> RPCError { RPCError(.unavailable, message) }

    /// `internal`: a bug; the message says nothing more.
    public static let internalError = RPCError(.internal, "internal error")
}

/// A domain error that knows its RPC status, so it is mapped once at the server boundary.
///
/// ```swift
/// extension MediationError: RPCStatusConvertible {
///     var rpcError: RPCError {
///         switch code {
///         case .disputeNotFound: .notFound("dispute not found")
///         case .stageOutOfOrder: .failedPrecondition("stage out of order", field: field)
///         }
///     }
/// }
/// ```
public protocol RPCStatusConvertible: Error {
    /// The status the server answers with when a handler throws this error.
    var rpcError: RPCError { get }
}

extension RPCError: RPCStatusConvertible {
    /// The error itself.
    public var rpcError: RPCError { self }
}
