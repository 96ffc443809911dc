import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC

/// Messages with every field set, shared by the tests.
enum Samples {
    static let leaf = TestingV1.Leaf(label: "枫桥", flag: true)

    static let nested = TestingV1.AllFields.Nested(name: "人民调解", number: -42, leaf: leaf)

    /// Every field of `AllFields` set to a value that is not its default.
    static let allFields = TestingV1.AllFields(
        int32Value: .min, int64Value: .min, uint32Value: .max, uint64Value: .max, sint32Value: .min,
        sint64Value: .min, fixed32Value: .max, fixed64Value: .max, sfixed32Value: .min, sfixed64Value: .min,
        boolValue: true, floatValue: -1.5, doubleValue: 3.141_592_653_589_793,
        stringValue: "青山县公安局 枫桥派出所", bytesValue: [0x00, 0x01, 0x7F, 0x80, 0xFF],
        color: .blue, priority: .high, nested: nested,
        int32Values: [.min, -1, 0, 1, .max], int64Values: [.min, -1, 0, 1, .max], uint64Values: [0, 1, .max],
        sint64Values: [.min, -1, 0, 1, .max], doubleValues: [-0.5, 0, 1e300], floatValues: [1.25, -3],
        boolValues: [true, false, true], stringValues: ["", "民警", "辅警", "网格员"], bytesValues: [[], [0], [1, 2]],
        colors: [.red, .green, .blue, .unspecified], nestedValues: [nested, TestingV1.AllFields.Nested()],
        counts: ["五老调解队": 5, "红袖章义警队": 48, "": -1], leaves: [1: leaf, -7: TestingV1.Leaf()],
        labels: ["station": "枫桥派出所", "empty": ""],
        optionalInt32: 0, optionalInt64: .min, optionalUint32: .max, optionalUint64: .max, optionalBool: false,
        optionalFloat: 0, optionalDouble: -1, optionalString: "", optionalBytes: []
    )

    static let envelope = RPCV1.Envelope(
        kind: .response,
        callID: .max,
        method: "/fengqiao.registry.v1.Registry/CreateUnit",
        metadata: ["request-id": "4f1c", "authorization": "Bearer t0k3n", "idempotency-key": "k-1"],
        timeoutMs: 30_000,
        payload: encoded(allFields),
        status: RPCV1.Status(
            code: .invalidArgument,
            message: "unit name must not be empty",
            fieldViolations: [RPCV1.FieldViolation(field: "unit.name", description: "must not be empty")]
        ),
        goAway: RPCV1.GoAway(reason: .shuttingDown, lastCallID: 41, message: "restarting")
    )

    /// `message`'s encoding; the samples hold no U+0000, so encoding them cannot fail.
    static func encoded(_ message: some ProtobufMessage) -> [UInt8] {
        do {
            return try message.serializedBytes()
        } catch {
            preconditionFailure("a sample does not encode: \(error)")
        }
    }
}
