import FengqiaoMessages
import FengqiaoProtobuf
import FengqiaoRPC
import Testing

/// Encodings worked out by hand from the protobuf wire format: a tag is `(field << 3) | wire type`
/// as a varint (wire type 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32); varints are 7 bits
/// per byte, low group first, high bit set on all but the last byte.
@Suite struct WireFormatTests {
    @Test func checkRequestWithOneString() throws {
        // field 1, LEN: (1 << 3) | 2 = 0x0A; length 3; "abc" = 61 62 63
        let expected: [UInt8] = [0x0A, 0x03, 0x61, 0x62, 0x63]
        let message = HealthV1.CheckRequest(service: "abc")
        #expect(try message.serializedBytes() == expected)
        #expect(try HealthV1.CheckRequest(serializedBytes: expected) == message)
    }

    @Test func leafWithChineseTextAndBool() throws {
        // field 1, LEN: 0x0A; "枫" is U+67AB = 0110 0111 1010 1011, in UTF-8
        //   1110_0110 10_011110 10_101011 = E6 9E AB, so length 3
        // field 2, VARINT: (2 << 3) | 0 = 0x10; true = 0x01
        let expected: [UInt8] = [0x0A, 0x03, 0xE6, 0x9E, 0xAB, 0x10, 0x01]
        let message = TestingV1.Leaf(label: "枫", flag: true)
        #expect(try message.serializedBytes() == expected)
        #expect(try TestingV1.Leaf(serializedBytes: expected) == message)
    }

    @Test func requestEnvelope() throws {
        // kind, field 1 VARINT: 0x08; KIND_REQUEST = 1
        // call_id, field 2 VARINT: 0x10; 300 = 0b10_0101100 -> 0xAC (0101100 | 0x80), 0x02
        // method, field 3 LEN: 0x1A; length 4; "/a/B" = 2F 61 2F 42
        // timeout_ms, field 5 VARINT: 0x28; 1000 = 0b111_1101000 -> 0xE8 (1101000 | 0x80), 0x07
        let expected: [UInt8] = [0x08, 0x01, 0x10, 0xAC, 0x02, 0x1A, 0x04, 0x2F, 0x61, 0x2F, 0x42, 0x28, 0xE8, 0x07]
        let message = RPCV1.Envelope(kind: .request, callID: 300, method: "/a/B", timeoutMs: 1000)
        #expect(try message.serializedBytes() == expected)
        #expect(try RPCV1.Envelope(serializedBytes: expected) == message)
    }

    @Test func negativeAndZigZagIntegers() throws {
        // int32 -1, field 1 VARINT: 0x08; negative int32 is sign-extended to 64 bits: nine 0xFF, then 0x01
        // sint32 -1, field 5 VARINT: 0x28; zigzag(-1) = 1
        // sint64 -2, field 6 VARINT: 0x30; zigzag(-2) = 3
        // fixed32 1, field 7 I32: (7 << 3) | 5 = 0x3D; 01 00 00 00 little-endian
        // double 1.0, field 13 I64: (13 << 3) | 1 = 0x69; 0x3FF0000000000000 little-endian
        let expected: [UInt8] =
            [0x08] + [UInt8](repeating: 0xFF, count: 9) + [0x01]
            + [0x28, 0x01, 0x30, 0x03, 0x3D, 0x01, 0x00, 0x00, 0x00]
            + [0x69, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F]
        let message = TestingV1.AllFields(int32Value: -1, sint32Value: -1, sint64Value: -2, fixed32Value: 1, doubleValue: 1)
        #expect(try message.serializedBytes() == expected)
        #expect(try TestingV1.AllFields(serializedBytes: expected) == message)
    }

    /// Strings over 1 KiB are read by protobuf-c where Swift keeps them, up to 16 per message, and
    /// copied beyond: the bytes are the same either way.
    @Test(arguments: [
        // 1,024 = 0b1000_0000000: 80 08 (copied); 1,025: 81 08 (in place); 20,000 = 1·128² + 28·128 + 32: A0 9C 01.
        (1_024, [0x80, 0x08]), (1_025, [0x81, 0x08]), (20_000, [0xA0, 0x9C, 0x01]),
    ] as [(Int, [UInt8])])
    func longString(length: Int, lengthBytes: [UInt8]) throws {
        // text, field 1 LEN: 0x0A; "枫" is E6 9E AB, then ASCII to the length.
        let text = "枫" + String(repeating: "q", count: length - 3)
        let expected: [UInt8] = [0x0A] + lengthBytes + [0xE6, 0x9E, 0xAB] + [UInt8](repeating: 0x71, count: length - 3)
        let message = TestingV1.EchoRequest(text: text)
        #expect(try message.serializedBytes() == expected)
        var appended: [UInt8] = [0xFF]
        try message.serialize(appendingTo: &appended)
        #expect(appended == [0xFF] + expected)
        let written = try message.withSerializedSize { size, write in
            [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                write(UnsafeMutableRawBufferPointer(buffer))
                count = size
            }
        }
        #expect(written == expected)
        #expect(try TestingV1.EchoRequest(serializedBytes: expected) == message)
    }

    @Test func moreLongStringsThanAreReadInPlace() throws {
        // labels, field 32 LEN: (32 << 3) | 2 = 256 + 2 -> 0x82, 0x02. Each entry: key, field 1 LEN:
        // 0A 03 "kNN"; value, field 2 LEN: 12, 1,500 = 11·128 + 92 -> DC 0B, 1,500 × "x" (0x78).
        // Entry length 2 + 3 + 1 + 2 + 1,500 = 1,508 = 11·128 + 100 -> E4 0B. Entries go in key order.
        let keys = (0..<20).map { "k" + ($0 < 10 ? "0" : "") + String($0) }
        var expected: [UInt8] = []
        for key in keys {
            expected += [0x82, 0x02, 0xE4, 0x0B, 0x0A, 0x03] + Array(key.utf8) + [0x12, 0xDC, 0x0B]
            expected += [UInt8](repeating: 0x78, count: 1_500)
        }
        let message = TestingV1.AllFields(labels: Dictionary(uniqueKeysWithValues: keys.map { ($0, String(repeating: "x", count: 1_500)) }))
        #expect(try message.serializedBytes() == expected)
        #expect(try TestingV1.AllFields(serializedBytes: expected) == message)
    }

    @Test func packedRepeatedAndMap() throws {
        // int32_values, field 19 LEN: (19 << 3) | 2 = 154 -> 0x9A, 0x01; packed: 01, 02, AC 02 (300): length 4
        // counts, field 30 LEN: (30 << 3) | 2 = 242 -> 0xF2, 0x01; one entry of length 5:
        //   key, field 1 LEN: 0A 01 61 ("a"); value, field 2 VARINT: 10 01
        let expected: [UInt8] = [0x9A, 0x01, 0x04, 0x01, 0x02, 0xAC, 0x02, 0xF2, 0x01, 0x05, 0x0A, 0x01, 0x61, 0x10, 0x01]
        let message = TestingV1.AllFields(int32Values: [1, 2, 300], counts: ["a": 1])
        #expect(try message.serializedBytes() == expected)
        #expect(try TestingV1.AllFields(serializedBytes: expected) == message)
    }

    @Test func mapEntriesOneAndManyWithARepeatedKey() throws {
        // counts, field 30: entries a → 1, b → 2, then a → 3 again, as another writer may send
        // them (F2 01, length 5, key 0A 01 "a"/"b", value 10 n). The last value of a key wins.
        let entry: (UInt8, UInt8) -> [UInt8] = { key, value in [0xF2, 0x01, 0x05, 0x0A, 0x01, key, 0x10, value] }
        let bytes = entry(0x61, 1) + entry(0x62, 2) + entry(0x61, 3)
        #expect(try TestingV1.AllFields(serializedBytes: bytes).counts == ["a": 3, "b": 2])
        #expect(try TestingV1.AllFields(serializedBytes: entry(0x62, 2)).counts == ["b": 2])
        #expect(try TestingV1.AllFields(serializedBytes: entry(0x61, 1) + entry(0x61, 4)).counts == ["a": 4])
    }

    @Test func wrapperCarriesPresenceOfZero() throws {
        // optional_int32, field 33 LEN: (33 << 3) | 2 = 266 -> 0x8A, 0x02; the Int32Value holding 0
        // has no bytes (proto3 omits a zero), so its length is 0. Absent, the field is not written.
        let present = TestingV1.AllFields(optionalInt32: 0)
        #expect(try present.serializedBytes() == [0x8A, 0x02, 0x00])
        #expect(try TestingV1.AllFields(serializedBytes: [0x8A, 0x02, 0x00]).optionalInt32 == 0)
        #expect(try TestingV1.AllFields().serializedBytes() == [])
        #expect(try TestingV1.AllFields(serializedBytes: []).optionalInt32 == nil)
    }

    @Test func handWrittenBytesWithUnknownFieldsAndRepeatedScalars() throws {
        // call_id 5 (10 05), then an unknown field 15 VARINT ((15 << 3) | 0 = 0x78, 0x09), then an
        // unknown field 14 LEN (0x72, length 2, 00 00), then call_id again: the last one wins (10 07).
        // kind 99 (08 63) is a number Kind does not know.
        let bytes: [UInt8] = [0x10, 0x05, 0x78, 0x09, 0x72, 0x02, 0x00, 0x00, 0x10, 0x07, 0x08, 0x63]
        let envelope = try RPCV1.Envelope(serializedBytes: bytes)
        #expect(envelope == RPCV1.Envelope(kind: .unrecognized(99), callID: 7))
        // Unknown fields are dropped; the unknown enum number survives re-encoding.
        #expect(try envelope.serializedBytes() == [0x08, 0x63, 0x10, 0x07])
    }

    @Test func unpackedRepeatedIsAcceptedToo() throws {
        // int64_values, field 20 as separate VARINT entries ((20 << 3) | 0 = 160 -> 0xA0, 0x01), as an
        // older or proto2 peer may send them: values 1 and 2.
        let bytes: [UInt8] = [0xA0, 0x01, 0x01, 0xA0, 0x01, 0x02]
        #expect(try TestingV1.AllFields(serializedBytes: bytes).int64Values == [1, 2])
    }

    @Test func appendingAndPresizedSerializationMatch() throws {
        let expected = try Samples.envelope.serializedBytes()
        var appended: [UInt8] = [0xAA]
        try Samples.envelope.serialize(appendingTo: &appended)
        #expect(appended == [0xAA] + expected)
        let framed: [UInt8] = try Samples.envelope.withSerializedSize { size, write in
            var frame = [UInt8](repeating: 0, count: 4 + size)
            frame[0...3] = [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
            frame.withUnsafeMutableBytes { write(UnsafeMutableRawBufferPointer(rebasing: $0[4...])) }
            return frame
        }
        #expect(Array(framed.dropFirst(4)) == expected)
        #expect(Int(framed[2]) << 8 | Int(framed[3]) == expected.count)
    }
}
