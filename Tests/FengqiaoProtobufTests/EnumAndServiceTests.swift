import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import Testing

@Suite struct EnumAndServiceTests {
    /// gRPC's status codes, numbered as gRPC numbers them.
    @Test(arguments: zip(
        RPCV1.Code.allCases,
        [
            "ok", "cancelled", "unknown", "invalidArgument", "deadlineExceeded", "notFound", "alreadyExists",
            "permissionDenied", "resourceExhausted", "failedPrecondition", "aborted", "outOfRange",
            "unimplemented", "internal", "unavailable", "dataLoss", "unauthenticated",
        ].enumerated()
    ))
    func statusCodesHaveGRPCNumbers(code: RPCV1.Code, expected: (offset: Int, element: String)) throws {
        #expect(code.rawValue == Int32(expected.offset))
        #expect("\(code)" == expected.element)
        let status = RPCV1.Status(code: code, message: "m")
        #expect(try RPCV1.Status(serializedBytes: status.serializedBytes()).code == code)
    }

    @Test func everyEnumValueRoundTrips() throws {
        #expect(RPCV1.Code.allCases.count == 17)
        for kind in RPCV1.Envelope.Kind.allCases {
            #expect(try RPCV1.Envelope(serializedBytes: RPCV1.Envelope(kind: kind).serializedBytes()).kind == kind)
        }
        for reason in RPCV1.GoAway.Reason.allCases {
            #expect(try RPCV1.GoAway(serializedBytes: RPCV1.GoAway(reason: reason).serializedBytes()).reason == reason)
        }
        for status in HealthV1.CheckResponse.ServingStatus.allCases {
            let message = HealthV1.CheckResponse(status: status)
            #expect(try HealthV1.CheckResponse(serializedBytes: message.serializedBytes()).status == status)
        }
        let colors = TestingV1.AllFields.Color.allCases
        let priorities = TestingV1.Priority.allCases
        let message = TestingV1.AllFields(colors: colors + [.unrecognized(-3), .unrecognized(1000)])
        #expect(try TestingV1.AllFields(serializedBytes: message.serializedBytes()) == message)
        for priority in priorities {
            let single = TestingV1.AllFields(priority: priority)
            #expect(try TestingV1.AllFields(serializedBytes: single.serializedBytes()).priority == priority)
        }
    }

    @Test(arguments: zip(
        [Int32(0), 1, 2, 7, 3, -1, .max],
        [TestingV1.AllFields.Color.unspecified, .red, .green, .blue, .unrecognized(3), .unrecognized(-1), .unrecognized(.max)]
    ))
    func unknownEnumNumbersAreKept(number: Int32, expected: TestingV1.AllFields.Color) {
        let color = TestingV1.AllFields.Color(rawValue: number)
        #expect(color == expected)
        #expect(color.rawValue == number)
    }

    @Test func unrecognizedEqualsTheKnownCaseWithItsNumber() {
        #expect(RPCV1.Code.unrecognized(5) == .notFound)
        #expect(Set([RPCV1.Code.unrecognized(5), .notFound]).count == 1)
    }

    @Test func serviceDescriptorsUseGRPCPaths() {
        #expect(HealthV1.Health.check.path == "/fengqiao.health.v1.Health/Check")
        #expect(HealthV1.Health.listServices.path == "/fengqiao.health.v1.Health/ListServices")
        #expect(TestingV1.Echo.serviceName == "fengqiao.testing.v1.Echo")
        #expect(TestingV1.Echo.methods.map(\.path) == [
            "/fengqiao.testing.v1.Echo/Echo", "/fengqiao.testing.v1.Echo/Expand", "/fengqiao.testing.v1.Echo/Sleep",
        ])
        #expect(TestingV1.Echo.methods.map(\.isServerStreaming) == [false, true, false])
        #expect(TestingV1.Echo.expand.isServerStreaming)
        #expect(ObjectIdentifier(TestingV1.Echo.methods[1].requestType) == ObjectIdentifier(TestingV1.ExpandRequest.self))
        #expect(TestingV1.Echo.methods[1].responseType.protoMessageName == "fengqiao.testing.v1.ExpandResponse")
        #expect(HealthV1.Health.descriptor.name == "fengqiao.health.v1.Health")
        #expect(HealthV1.Health.descriptor.methods.count == 2)
    }

    @Test func messageNamesAreProtoFullNames() {
        #expect(RPCV1.Envelope.protoMessageName == "fengqiao.rpc.v1.Envelope")
        #expect(TestingV1.AllFields.Nested.protoMessageName == "fengqiao.testing.v1.AllFields.Nested")
        #expect(RPCV1.Envelope.Kind.protoEnumName == "fengqiao.rpc.v1.Envelope.Kind")
    }
}
