import FengqiaoDomain
import FengqiaoPostgres
import FengqiaoRPC

extension ValidationFailure: RPCStatusConvertible {
    /// INVALID_ARGUMENT with one field violation per bad field.
    public var rpcError: RPCError {
        RPCError(
            .invalidArgument,
            violations.count == 1 ? "invalid \(violations[0].field)" : "invalid request: \(violations.count) fields",
            fieldViolations: violations.map { RPCV1.FieldViolation(field: $0.field, description: $0.description) })
    }
}

extension PostgresError: RPCStatusConvertible {
    /// The status for a database failure a store did not translate itself: UNAVAILABLE when the
    /// database cannot be reached, ABORTED for a transaction that lost a race (retry it), and
    /// INTERNAL otherwise. Messages never carry the server's text, which can quote row values.
    public var rpcError: RPCError {
        if isUnavailable { return .unavailable("the database is unavailable") }
        if isRetryableTransactionFailure { return RPCError(.aborted, "the change conflicted with another; try again") }
        if code == .cancelled { return RPCError(.cancelled, "cancelled") }
        return .internalError
    }
}
