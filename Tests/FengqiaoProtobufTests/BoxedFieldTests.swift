import FengqiaoMessages
import FengqiaoProtobuf
import Testing

/// A large message in a singular field (`EchoRequest.fields`, an `AllFields`) is kept in a box:
/// the containing struct stays small, and the message keeps its value semantics.
@Suite("Boxed message fields")
struct BoxedFieldTests {
    @Test("a message holding a large one stays a few words long")
    func containingStructIsSmall() {
        // text (16 bytes), the box (8) and fail_with (an enum): far below AllFields' own size.
        #expect(MemoryLayout<TestingV1.EchoRequest>.size <= 32)
        #expect(MemoryLayout<TestingV1.AllFields>.size > 128)
    }

    @Test("setting, reading and clearing the field")
    func setReadClear() {
        var request = TestingV1.EchoRequest(text: "调解")
        #expect(request.fields == nil)
        request.fields = Samples.allFields
        #expect(request.fields == Samples.allFields)
        request.fields = nil
        #expect(request.fields == nil)
        #expect(request == TestingV1.EchoRequest(text: "调解"))
    }

    @Test("changing a copy's field leaves the original as it was")
    func valueSemantics() {
        let original = TestingV1.EchoRequest(text: "a", fields: Samples.allFields)
        var copy = original
        copy.fields?.int32Value = 7
        copy.fields?.labels["station"] = "城关派出所"
        #expect(original.fields == Samples.allFields)
        #expect(copy.fields?.int32Value == 7)
        #expect(copy.fields?.labels["station"] == "城关派出所")
        #expect(copy != original)
    }

    @Test("equal messages in different boxes are equal and hash alike")
    func equalityAndHashing() {
        let one = TestingV1.EchoRequest(text: "a", fields: Samples.allFields)
        let two = TestingV1.EchoRequest(text: "a", fields: Samples.allFields)
        #expect(one == two)
        #expect(one.hashValue == two.hashValue)
        #expect(Set([one, two]).count == 1)
        var other = two
        other.fields?.stringValue = "另一个"
        #expect(one != other)
        #expect(TestingV1.EchoRequest(text: "a", fields: TestingV1.AllFields()) != TestingV1.EchoRequest(text: "a"))
    }

    @Test("a boxed field prints as its message")
    func description() {
        let request = TestingV1.EchoRequest(text: "a", fields: TestingV1.AllFields(stringValue: "枫桥"))
        let text = String(describing: request)
        #expect(text.contains("stringValue: \"枫桥\""))
        #expect(!text.contains("ProtobufBox"))
    }

    @Test("a boxed field round-trips through protobuf-c")
    func roundTrip() throws {
        let request = TestingV1.EchoRequest(text: "往返", fields: Samples.allFields, failWith: .notFound)
        let bytes = try request.serializedBytes()
        #expect(try TestingV1.EchoRequest(serializedBytes: bytes) == request)
    }
}
