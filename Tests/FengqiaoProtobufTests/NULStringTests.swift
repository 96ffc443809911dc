import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import Testing

/// 空 U+0000 字 in UTF-8: E7 A9 BA, 00, E5 AD 97.
private let nul: [UInt8] = [0xE7, 0xA9, 0xBA, 0x00, 0xE5, 0xAD, 0x97]
/// 空字, the same without the NUL.
private let clean: [UInt8] = [0xE7, 0xA9, 0xBA, 0xE5, 0xAD, 0x97]

/// A LEN field: its tag bytes, a one-byte length (every value here is under 128 bytes), then
/// the value, the concatenation of `parts`.
private func len(_ tag: [UInt8], _ parts: [UInt8]...) -> [UInt8] {
    let value = parts.flatMap { $0 }
    return tag + [UInt8(value.count)] + value
}

/// The concatenation of `parts`.
private func bytes(_ parts: [UInt8]...) -> [UInt8] {
    parts.flatMap { $0 }
}

// AllFields tags, (field << 3) | 2 as a varint: string_value 14 → 72; nested 18 → 92 01;
// string_values 26 → D2 01; nested_values 29 → EA 01; counts 30 → F2 01; leaves 31 → FA 01;
// labels 32 → 82 02; optional_string 40 → C2 02. Nested: name 1 → 0A, number 2 (VARINT) → 10,
// leaf 3 → 1A. Leaf: label 1 → 0A. Map entries: key 1 → 0A (08 for an int32 key), value 2 → 12.
private let refusedEncodings: [(bytes: [UInt8], path: String)] = [
    (len([0x72], nul), "string_value"),
    (len([0x92, 0x01], len([0x0A], nul)), "nested.name"),
    (len([0x92, 0x01], [0x10, 0x05], len([0x1A], len([0x0A], nul))), "nested.leaf.label"),
    // Two nested_values with a string_value between them: the second is nested_values[1].
    (bytes(len([0xEA, 0x01], len([0x0A], [0x61])), len([0x72], clean), len([0xEA, 0x01], [0x10, 0x01], len([0x0A], nul))),
     "nested_values[1].name"),
    (bytes(len([0xD2, 0x01], [0x6F, 0x6B]), len([0xD2, 0x01]), len([0xD2, 0x01], nul)), "string_values[2]"),
    // A google.protobuf.StringValue reads as the field holding it, as in Swift (`String?`).
    (len([0xC2, 0x02], len([0x0A], nul)), "optional_string"),
    // Map entries are named by their position as sent.
    (bytes(len([0x82, 0x02], len([0x0A], [0x6B]), len([0x12], clean)), len([0x82, 0x02], len([0x0A], [0x6C]), len([0x12], nul))),
     "labels[1].value"),
    (len([0xF2, 0x01], len([0x0A], nul), [0x10, 0x01]), "counts[0].key"),
    (len([0xFA, 0x01], [0x08, 0x01], len([0x12], len([0x0A], nul))), "leaves[0].value.label"),
]

private let malformedEncodings: [[UInt8]] = [
    // string_value with a length past the end.
    bytes([0x72, 0x08], nul),
    // nested whose name's length runs past the end of nested.
    len([0x92, 0x01], [0x0A, 0x08], nul),
    // a string with NUL, then wire type 7, which does not exist.
    bytes(len([0x72], nul), [0x0F, 0x00]),
]

private let refusedMessages: [(message: TestingV1.AllFields, path: String)] = [
    (TestingV1.AllFields(stringValue: "空\u{0}字"), "string_value"),
    (TestingV1.AllFields(stringValue: "\u{0}"), "string_value"),
    (TestingV1.AllFields(stringValue: "trailing\u{0}"), "string_value"),
    (TestingV1.AllFields(nested: .init(leaf: .init(label: "空\u{0}字"))), "nested.leaf.label"),
    (TestingV1.AllFields(stringValues: ["a", "", "空\u{0}字"]), "string_values[2]"),
    (TestingV1.AllFields(nestedValues: [.init(name: "a"), .init(name: "空\u{0}字")]), "nested_values[1].name"),
    // Map entries go out sorted by key, so "b" is the second.
    (TestingV1.AllFields(labels: ["b": "空\u{0}字", "a": "x"]), "labels[1].value"),
    (TestingV1.AllFields(counts: ["\u{0}": 1]), "counts[0].key"),
    (TestingV1.AllFields(leaves: [3: .init(label: "空\u{0}字")]), "leaves[0].value.label"),
    (TestingV1.AllFields(optionalString: "空\u{0}字"), "optional_string"),
    // The first in field order: string_value (14) before nested (18).
    (TestingV1.AllFields(stringValue: "\u{0}", nested: .init(name: "\u{0}")), "string_value"),
    // Long strings (over 1 KiB), which protobuf-c otherwise reads in place, are checked alike.
    (TestingV1.AllFields(stringValue: String(repeating: "枫", count: 400) + "\u{0}"), "string_value"),
    (TestingV1.AllFields(labels: ["a": String(repeating: "x", count: 2_000) + "\u{0}"]), "labels[0].value"),
    (TestingV1.AllFields(optionalString: "\u{0}" + String(repeating: "x", count: 5_000)), "optional_string"),
    (TestingV1.AllFields(stringValue: String(repeating: "x", count: 3_000), nested: .init(name: String(repeating: "y", count: 3_000) + "\u{0}")), "nested.name"),
]

/// Strings holding U+0000 are refused both ways, naming the field by its path, because protobuf-c
/// keeps strings as C strings and would cut them at the NUL. Encodings are written by hand, as in
/// `WireFormatTests`: a tag is `(field << 3) | wire type`, LEN is wire type 2.
@Suite struct NULStringTests {
    @Test(arguments: refusedEncodings)
    func decodingRefusesAStringWithNUL(bytes: [UInt8], path: String) {
        #expect(throws: ProtobufDecodingError(code: .nulInString, messageName: "fengqiao.testing.v1.AllFields", field: path)) {
            try TestingV1.AllFields(serializedBytes: bytes)
        }
    }

    @Test func theFieldIsNamedFromTheMessageDecoded() {
        // Leaf.label, the example of the bug: 空 U+0000 字 must not arrive as 空.
        #expect(throws: ProtobufDecodingError(code: .nulInString, messageName: "fengqiao.testing.v1.Leaf", field: "label")) {
            try TestingV1.Leaf(serializedBytes: len([0x0A], nul))
        }
        // EchoRequest.fields (2 → 12) holding AllFields.nested_values[0].name.
        let echo: [UInt8] = len([0x12], len([0xEA, 0x01], len([0x0A], nul)))
        #expect(
            throws: ProtobufDecodingError(
                code: .nulInString, messageName: "fengqiao.testing.v1.EchoRequest", field: "fields.nested_values[0].name")
        ) {
            try TestingV1.EchoRequest(serializedBytes: echo)
        }
        // Envelope.metadata (4 → 22): an entry request-id → 空 U+0000 字.
        let envelope: [UInt8] = len([0x22], len([0x0A], Array("request-id".utf8)), len([0x12], nul))
        #expect(
            throws: ProtobufDecodingError(code: .nulInString, messageName: "fengqiao.rpc.v1.Envelope", field: "metadata[0].value")
        ) {
            try RPCV1.Envelope(serializedBytes: envelope)
        }
        let error = ProtobufDecodingError(code: .nulInString, messageName: "fengqiao.testing.v1.AllFields", field: "rows[1].name")
        #expect(error.description == "field rows[1].name of fengqiao.testing.v1.AllFields contains U+0000")
    }

    /// Each byte of a string in the full sample, zeroed in turn: always refused, naming the string,
    /// wherever it sits among the fields of every kind around it.
    @Test(arguments: [
        ("青山县公安局 枫桥派出所", 0, "string_value"),
        ("人民调解", 0, "nested.name"),
        ("人民调解", 1, "nested_values[0].name"),
        ("网格员", 0, "string_values[3]"),
        ("枫桥", 1, "nested.leaf.label"),  // the first 枫桥 is inside string_value
        ("五老调解队", 0, "counts[1].key"),  // keys go out sorted: "", 五老调解队, 红袖章义警队
    ])
    func everyByteOfASampleStringZeroedIsRefused(text: String, occurrence: Int, path: String) throws {
        let encoding = Samples.encoded(Samples.allFields)
        let needle = Array(text.utf8)
        var starts: [Int] = []
        for start in 0...(encoding.count - needle.count) where Array(encoding[start..<(start + needle.count)]) == needle {
            starts.append(start)
        }
        let start = try #require(starts.dropFirst(occurrence).first)
        for offset in 0..<needle.count {
            var mutated = encoding
            mutated[start + offset] = 0
            #expect(throws: ProtobufDecodingError(code: .nulInString, messageName: "fengqiao.testing.v1.AllFields", field: path)) {
                try TestingV1.AllFields(serializedBytes: mutated)
            }
        }
    }

    @Test func bytesAndUnknownFieldsMayHoldZeros() throws {
        // bytes_value 15 → 7A; bytes_values 27 → DA 01; optional_bytes 41 → CA 02 (a BytesValue);
        // an unknown field 99 → 9A 06 holding 空 U+0000 字; double_value 13 → 69, 0.0 as 8 zero bytes;
        // and a string_value without NUL.
        let encoding: [UInt8] = bytes(
            len([0x7A], [0x00, 0x01, 0x00]), len([0xDA, 0x01], [0x00]), len([0xCA, 0x02], len([0x0A], [0x00])),
            len([0x9A, 0x06], nul), [0x69], [UInt8](repeating: 0, count: 8), len([0x72], clean)
        )
        let decoded = try TestingV1.AllFields(serializedBytes: encoding)
        #expect(decoded == TestingV1.AllFields(doubleValue: 0, stringValue: "空字", bytesValue: [0, 1, 0], bytesValues: [[0]], optionalBytes: [0]))
        #expect(try TestingV1.AllFields(serializedBytes: decoded.serializedBytes()) == decoded)
    }

    @Test(arguments: malformedEncodings)
    func malformedBytesAreStillMalformed(bytes: [UInt8]) {
        #expect(throws: ProtobufDecodingError(code: .malformed, messageName: "fengqiao.testing.v1.AllFields")) {
            try TestingV1.AllFields(serializedBytes: bytes)
        }
    }

    @Test func invalidUTF8IsNamedByItsPathToo() {
        // nested.leaf.label holding C3 28, a two-byte lead without its continuation byte.
        let encoding: [UInt8] = len([0x92, 0x01], len([0x1A], len([0x0A], [0xC3, 0x28])))
        #expect(throws: ProtobufDecodingError(code: .invalidUTF8, messageName: "fengqiao.testing.v1.AllFields", field: "nested.leaf.label")) {
            try TestingV1.AllFields(serializedBytes: encoding)
        }
    }

    @Test(arguments: refusedMessages)
    func encodingRefusesAStringWithNUL(message: TestingV1.AllFields, path: String) {
        let error = ProtobufEncodingError(code: .nulInString, messageName: "fengqiao.testing.v1.AllFields", field: path)
        #expect(throws: error) { try message.serializedBytes() }
        var bytes: [UInt8] = [0xAA]
        #expect(throws: error) { try message.serialize(appendingTo: &bytes) }
        #expect(bytes == [0xAA])
        var called = false
        #expect(throws: error) { try message.withSerializedSize { _, _ in called = true } }
        #expect(!called)
    }

    @Test func encodingErrorsNameTheFieldAndNotTheText() {
        let error = ProtobufEncodingError(code: .nulInString, messageName: "fengqiao.testing.v1.EchoRequest", field: "text")
        #expect(throws: error) { try TestingV1.EchoRequest(text: "空\u{0}字").serializedBytes() }
        #expect(error.description == "field text of fengqiao.testing.v1.EchoRequest contains U+0000")
    }

    @Test func bytesWithZerosEncode() throws {
        let message = TestingV1.AllFields(stringValue: "空字", bytesValue: [0, 0], bytesValues: [[0]], optionalBytes: [0])
        #expect(try TestingV1.AllFields(serializedBytes: message.serializedBytes()) == message)
    }
}
