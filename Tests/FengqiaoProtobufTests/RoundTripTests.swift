import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import Testing

@Suite struct RoundTripTests {
    private func roundTrip<Message: ProtobufMessage>(_ message: Message) throws -> Message {
        try Message(serializedBytes: message.serializedBytes())
    }

    @Test func defaultMessagesEncodeToNothing() throws {
        #expect(try TestingV1.AllFields().serializedBytes().isEmpty)
        #expect(try RPCV1.Envelope().serializedBytes().isEmpty)
        #expect(try TestingV1.AllFields(serializedBytes: []) == TestingV1.AllFields())
        #expect(try HealthV1.ListServicesRequest(serializedBytes: [UInt8]()) == HealthV1.ListServicesRequest())
    }

    @Test func everyFieldKind() throws {
        #expect(try roundTrip(Samples.allFields) == Samples.allFields)
        #expect(try roundTrip(Samples.envelope) == Samples.envelope)
        #expect(try TestingV1.AllFields(serializedBytes: Samples.envelope.payload) == Samples.allFields)
    }

    @Test func chineseText() throws {
        let text = "青山县公安局 枫桥派出所：矛盾不上交，平安不出事，服务不缺位。"
        let message = TestingV1.EchoRequest(text: text)
        #expect(try roundTrip(message).text == text)
        // 30 CJK characters and full-width marks of 3 bytes each in UTF-8, and one space: 91 bytes,
        // preceded by the tag and a one-byte length (91 < 128).
        #expect(text.utf8.count == 91)
        #expect(try message.serializedBytes().count == 1 + 1 + 91)
    }

    @Test(arguments: [Int64.min, -1, 0, 1, Int64.max])
    func int64Extremes(value: Int64) throws {
        let message = TestingV1.AllFields(int64Value: value, sint64Value: value, sfixed64Value: value, optionalInt64: value)
        #expect(try roundTrip(message) == message)
    }

    @Test(arguments: [UInt64.min, 1, UInt64(Int64.max) + 1, UInt64.max])
    func uint64Extremes(value: UInt64) throws {
        let message = TestingV1.AllFields(uint64Value: value, fixed64Value: value, optionalUint64: value)
        #expect(try roundTrip(message) == message)
    }

    @Test(arguments: [Int32.min, -1, 0, Int32.max])
    func int32Extremes(value: Int32) throws {
        let message = TestingV1.AllFields(int32Value: value, sint32Value: value, sfixed32Value: value, optionalInt32: value)
        #expect(try roundTrip(message) == message)
    }

    @Test func largeRepeatedFields() throws {
        let numbers = (0..<100_000).map { Int64($0) * 92_233_720_368 - Int64.max / 2 }
        let strings = (0..<10_000).map { "网格员 \($0)" }
        let message = TestingV1.AllFields(int64Values: numbers, stringValues: strings)
        let decoded = try roundTrip(message)
        #expect(decoded.int64Values == numbers)
        #expect(decoded.stringValues == strings)
    }

    /// Unpacking takes its memory from the stack first (up to 16 KiB, about twice the encoding
    /// plus 1 KiB) and from the heap past that: messages on both sides of that line, and strings
    /// that cross it part-way through a message, decode the same.
    @Test(arguments: [0, 1, 7_000, 7_700, 16_000, 16_368, 16_383, 16_384, 16_400, 40_000])
    func messagesAroundUnpacksStackMemory(textLength: Int) throws {
        let text = String(repeating: "a", count: textLength)
        let alone = TestingV1.EchoRequest(text: text)
        #expect(try roundTrip(alone) == alone)
        let labels = Dictionary(uniqueKeysWithValues: (0..<(textLength / 64)).map { ("标签\($0)", "值\($0)") })
        let crowded = TestingV1.EchoRequest(
            text: text,
            fields: TestingV1.AllFields(stringValue: text, stringValues: [text, "尾"], labels: labels)
        )
        let decoded = try roundTrip(crowded)
        #expect(decoded == crowded)
        #expect(decoded.fields?.stringValues.last == "尾")
        #expect(decoded.fields?.labels.count == textLength / 64)
    }

    @Test func nestedMessages() throws {
        let deep = TestingV1.EchoRequest(
            text: "outer",
            fields: TestingV1.AllFields(
                nested: .init(name: "n", number: 1, leaf: .init(label: "leaf", flag: false)),
                nestedValues: [.init(leaf: .init(label: "in a list")), .init()],
                leaves: [0: .init(), 9: .init(label: "in a map", flag: true)]
            )
        )
        let decoded = try roundTrip(deep)
        #expect(decoded == deep)
        #expect(decoded.fields?.nested?.leaf?.label == "leaf")
        #expect(decoded.fields?.nestedValues[1] == TestingV1.AllFields.Nested())
        #expect(decoded.fields?.leaves[0] == TestingV1.Leaf())
    }

    /// Presence convention: message fields and wrappers tell "absent" from "default".
    @Test func presenceOfMessagesAndWrappers() throws {
        let absent = try roundTrip(TestingV1.AllFields())
        #expect(absent.nested == nil)
        #expect(absent.optionalBool == nil && absent.optionalString == nil && absent.optionalBytes == nil)

        let empty = try roundTrip(
            TestingV1.AllFields(nested: .init(), optionalBool: false, optionalString: "", optionalBytes: [])
        )
        #expect(empty.nested == TestingV1.AllFields.Nested())
        #expect(empty.optionalBool == false)
        #expect(empty.optionalString == "")
        #expect(empty.optionalBytes == [])

        // Plain scalars have no presence: zero and "not set" are the same.
        #expect(try roundTrip(TestingV1.AllFields(int32Value: 0)) == TestingV1.AllFields())
    }

    @Test func decodesFromAnyCollectionOfBytes() throws {
        let bytes = try Samples.envelope.serializedBytes()
        #expect(try RPCV1.Envelope(serializedBytes: bytes[...]) == Samples.envelope)
        #expect(try RPCV1.Envelope(serializedBytes: AnySequence(bytes).map { $0 }) == Samples.envelope)
        let decoded = try bytes.withUnsafeBytes { try RPCV1.Envelope(serializedBytes: $0) }
        #expect(decoded == Samples.envelope)
    }
}
