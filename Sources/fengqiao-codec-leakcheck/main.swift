// Round-trips every generated message many times, including the failure paths, so that
// scripts/leakcheck-codec can run it under valgrind and fail on any definite leak in the codec
// (the protobuf-c structs built for pack, the ones unpack allocates, and the arena).

import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC

let iterations = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 2_000

let leaf = TestingV1.Leaf(label: "枫桥", flag: true)
let nested = TestingV1.AllFields.Nested(name: "调解", number: -42, leaf: leaf)
let allFields = TestingV1.AllFields(
    int32Value: -1, int64Value: .min, uint32Value: .max, uint64Value: .max, sint32Value: -7, sint64Value: .min,
    fixed32Value: 7, fixed64Value: 8, sfixed32Value: -9, sfixed64Value: -10, boolValue: true, floatValue: 1.5,
    doubleValue: -2.25, stringValue: "青山县公安局 枫桥派出所", bytesValue: [0, 1, 2, 255], color: .blue,
    priority: .high, nested: nested, int32Values: [1, -2, 3], int64Values: [.min, 0, .max], uint64Values: [.max],
    sint64Values: [-1, 1], doubleValues: [0.5], floatValues: [0.25], boolValues: [true, false],
    stringValues: ["", "a", "民警"], bytesValues: [[], [1]], colors: [.red, .unrecognized(99)],
    nestedValues: [nested, .init()], counts: ["a": 1, "b": -1], leaves: [1: leaf, -1: .init()],
    labels: ["k": "v", "": ""], optionalInt32: 0, optionalInt64: -5, optionalUint32: 6, optionalUint64: 7,
    optionalBool: false, optionalFloat: 1, optionalDouble: 2, optionalString: "", optionalBytes: [9]
)
let envelope = RPCV1.Envelope(
    kind: .response, callID: 7, method: "/fengqiao.testing.v1.Echo/Echo",
    metadata: ["request-id": "r-1", "authorization": "Bearer x"], timeoutMs: 1_000,
    payload: try allFields.serializedBytes(),
    status: .init(code: .invalidArgument, message: "bad", fieldViolations: [.init(field: "a.b", description: "no")]),
    goAway: .init(reason: .shuttingDown, lastCallID: 6, message: "bye")
)

func roundTrip<Message: ProtobufMessage>(_ message: Message) {
    do {
        let decoded = try Message(serializedBytes: try message.serializedBytes())
        precondition(decoded == message, "\(Message.protoMessageName) did not round-trip")
    } catch {
        preconditionFailure("\(Message.protoMessageName): \(error)")
    }
}

func expectFailure<Message: ProtobufMessage>(_ type: Message.Type, _ bytes: [UInt8]) {
    precondition((try? Message(serializedBytes: bytes)) == nil, "\(bytes) decoded as \(Message.protoMessageName)")
}

func expectEncodingFailure<Message: ProtobufMessage>(_ message: Message) {
    precondition((try? message.serializedBytes()) == nil, "\(Message.protoMessageName) with U+0000 encoded")
}

// AllFields.nested_values (field 29) twice, the second's name (field 1) holding 空 U+0000 字.
let nulInRepeated: [UInt8] = [0xEA, 0x01, 0x03, 0x0A, 0x01, 0x61, 0xEA, 0x01, 0x09, 0x0A, 0x07, 0xE7, 0xA9, 0xBA, 0x00, 0xE5, 0xAD, 0x97]
let withNUL = TestingV1.AllFields(nestedValues: [nested, .init(name: "空\u{0}字", leaf: leaf)], labels: ["k": "v\u{0}"])

// Larger than the memory unpack takes from the stack (16 KiB): the rest comes from the heap.
let large = TestingV1.EchoRequest(text: String(repeating: "调解", count: 8_000), fields: allFields)
let truncatedLarge = Array(try large.serializedBytes().dropLast(3))

var generator = SystemRandomNumberGenerator()
for _ in 0..<iterations {
    roundTrip(allFields)
    roundTrip(TestingV1.AllFields())
    roundTrip(envelope)
    roundTrip(RPCV1.Envelope())
    roundTrip(HealthV1.CheckRequest(service: "fengqiao.registry.v1.Registry"))
    roundTrip(HealthV1.CheckResponse(status: .serving))
    roundTrip(HealthV1.ListServicesRequest())
    roundTrip(
        HealthV1.ListServicesResponse(services: [
            .init(name: "a", methods: [.init(name: "M", path: "/a/M", requestType: "r", responseType: "s")])
        ])
    )
    roundTrip(TestingV1.EchoRequest(text: "t", fields: allFields, failWith: .internal))
    roundTrip(TestingV1.EchoResponse(text: "t", fields: allFields))
    roundTrip(TestingV1.ExpandRequest(count: 3, text: "x", intervalMs: 1))
    roundTrip(TestingV1.ExpandResponse(index: 2, text: "x"))
    roundTrip(TestingV1.SleepRequest(durationMs: 5))
    roundTrip(TestingV1.SleepResponse(sleptMs: 5))
    // Failure paths: a truncated nested message (unpack fails midway), and a string that unpacks
    // but is not UTF-8 (the Swift side throws after unpack).
    expectFailure(TestingV1.AllFields.self, Array(try allFields.serializedBytes().dropLast(3)))
    expectFailure(TestingV1.Leaf.self, [0x0A, 0x02, 0xC3, 0x28])
    // A string holding U+0000: refused after unpack on decoding, after the structs are built in
    // the arena on encoding.
    expectFailure(TestingV1.AllFields.self, nulInRepeated)
    expectEncodingFailure(withNUL)
    roundTrip(large)
    expectFailure(TestingV1.EchoRequest.self, truncatedLarge)
    let garbage = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    _ = try? RPCV1.Envelope(serializedBytes: garbage)
    _ = try? TestingV1.AllFields(serializedBytes: garbage)
}
print("fengqiao-codec-leakcheck: \(iterations) iterations")
