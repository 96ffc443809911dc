import FengqiaoRPC
import Testing

struct DisputeError: Error, RPCStatusConvertible {
    var rpcError: RPCError { .failedPrecondition("stage out of order", field: "stage") }
}

@Suite("RPCError and status codes")
struct RPCErrorTests {
    @Test("codes have gRPC's numbers and names", arguments: zip(
        [RPCError.Code.ok, .cancelled, .invalidArgument, .deadlineExceeded, .resourceExhausted, .unimplemented,
         .internal, .unavailable, .unauthenticated, .unrecognized(99)],
        [(0, "OK"), (1, "CANCELLED"), (3, "INVALID_ARGUMENT"), (4, "DEADLINE_EXCEEDED"), (8, "RESOURCE_EXHAUSTED"),
         (12, "UNIMPLEMENTED"), (13, "INTERNAL"), (14, "UNAVAILABLE"), (16, "UNAUTHENTICATED"), (99, "UNKNOWN")]
    ))
    func codes(code: RPCError.Code, expected: (Int32, String)) {
        #expect(code.rawValue == expected.0)
        #expect(code.name == expected.1)
    }

    @Test("a status round-trips through RPCError")
    func statusRoundTrip() {
        let status = RPCV1.Status(
            code: .invalidArgument,
            message: "unit name is empty",
            fieldViolations: [RPCV1.FieldViolation(field: "unit.name", description: "must not be empty")]
        )
        let error = RPCError(status: status, metadata: ["request-id": "r"])
        #expect(error.status == status)
        #expect(error.metadata == ["request-id": "r"])
        #expect(error.description == "INVALID_ARGUMENT: unit name is empty")
    }

    @Test("a domain error maps to its status once")
    func convertible() {
        let error: any Error = DisputeError()
        let mapped = (error as? any RPCStatusConvertible)?.rpcError
        #expect(mapped?.code == .failedPrecondition)
        #expect(mapped?.fieldViolations == [RPCV1.FieldViolation(field: "stage", description: "stage out of order")])
    }
}
