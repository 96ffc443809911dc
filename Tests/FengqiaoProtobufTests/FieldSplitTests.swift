import FengqiaoProtobuf
import Testing

@Suite("Splitting an encoding around a field")
struct FieldSplitTests {
    static func split(_ bytes: [UInt8], field: UInt32 = 6) -> ProtobufFieldSplit? {
        bytes.withUnsafeBytes { ProtobufFieldSplit(field: field, in: $0) }
    }

    @Test("every occurrence is taken out and the last is the value")
    func occurrences() throws {
        // 08 01 | 32 02 61 62 | 10 05 | 32 01 63 | 18 07: field 6 (tag 32) twice, around fields 1, 2, 3.
        let bytes: [UInt8] = [0x08, 0x01, 0x32, 0x02, 0x61, 0x62, 0x10, 0x05, 0x32, 0x01, 0x63, 0x18, 0x07]
        let split = try #require(Self.split(bytes))
        #expect(split.value == 10..<11)
        #expect(split.rest == [0..<2, 6..<8, 11..<13])
    }

    @Test("empty occurrences of a second field are left out, full ones stay")
    func droppingEmpty() throws {
        func split(_ bytes: [UInt8]) -> ProtobufFieldSplit? {
            bytes.withUnsafeBytes { ProtobufFieldSplit(field: 6, droppingEmpty: 7, in: $0) }
        }
        // 08 01 | 3A 00 | 32 01 61: field 7 empty, then field 6.
        let first = try #require(split([0x08, 0x01, 0x3A, 0x00, 0x32, 0x01, 0x61]))
        #expect(first.value == 6..<7)
        #expect(first.rest == [0..<2])
        #expect(first.droppedEmpty)
        // 3A 02 08 01: field 7 with a value stays.
        let full = try #require(split([0x3A, 0x02, 0x08, 0x01]))
        #expect(full.rest == [0..<4])
        #expect(!full.droppedEmpty)
        #expect(full.value == nil)
        // 3A 00 | 08 01 | 3A 00: both empty occurrences go.
        let twice = try #require(split([0x3A, 0x00, 0x08, 0x01, 0x3A, 0x00]))
        #expect(twice.rest == [2..<4])
        #expect(twice.droppedEmpty)
        // 3A 00 | 3A 02 08 01 | 3A 00: one occurrence is not empty, so all of them stay.
        let mixed = try #require(split([0x3A, 0x00, 0x3A, 0x02, 0x08, 0x01, 0x3A, 0x00]))
        #expect(mixed.rest == [0..<8])
        #expect(!mixed.droppedEmpty)
        // Field 7 as a varint (38 00) is not a length-delimited occurrence: it stays.
        let varint = try #require(split([0x38, 0x00]))
        #expect(varint.rest == [0..<2])
        #expect(!varint.droppedEmpty)
        // Without the second field, an empty field 7 stays.
        #expect(Self.split([0x3A, 0x00])?.rest == [0..<2])
        #expect(Self.split([0x3A, 0x00])?.droppedEmpty == false)
    }

    @Test("a field that is not there leaves the whole encoding")
    func absent() throws {
        #expect(Self.split([0x08, 0x01, 0x10, 0x05]) == Self.split([0x08, 0x01, 0x10, 0x05], field: 9))
        let split = try #require(Self.split([0x08, 0x01, 0x10, 0x05]))
        #expect(split.value == nil)
        #expect(split.rest == [0..<4])
        #expect(Self.split([])?.rest == [])
    }

    @Test("the field alone leaves no rest; an empty value is a value")
    func fieldAlone() throws {
        let split = try #require(Self.split([0x32, 0x00]))
        #expect(split.value == 2..<2)
        #expect(split.rest == [])
    }

    @Test("the field with a wire type other than length-delimited stays in the rest")
    func otherWireType() throws {
        // Field 6 as a varint (30 01), then as a fixed32 (35 …).
        let split = try #require(Self.split([0x30, 0x01, 0x35, 1, 2, 3, 4]))
        #expect(split.value == nil)
        #expect(split.rest == [0..<7])
    }

    @Test("a multi-byte tag for the field is found", arguments: [[0xB2, 0x00, 0x01, 0x7A], [0xB2, 0x80, 0x00, 0x01, 0x7A]] as [[UInt8]])
    func longTag(bytes: [UInt8]) throws {
        // 0xB2 0x00 is tag 0x32 written in two bytes: field 6, wire type 2.
        let split = try #require(Self.split(bytes))
        #expect(split.value == (bytes.count - 1)..<bytes.count)
        #expect(split.rest == [])
    }

    @Test("bytes that are not an encoding are refused", arguments: [
        [0x32, 0x05, 0x61],  // length past the end
        [0x0F, 0x01],  // wire type 7
        [0x00],  // field number 0
        [0x08],  // varint cut short
        [0x32, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],  // length over five bytes
    ] as [[UInt8]])
    func unreadable(bytes: [UInt8]) {
        #expect(Self.split(bytes) == nil)
    }
}

@Suite("Varints")
struct VarintTests {
    @Test("lengths change at powers of 128", arguments: [(0, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3), (4 * 1024 * 1024, 4)])
    func lengths(value: Int, length: Int) {
        #expect(ProtobufVarint.length(of: value) == length)
    }

    @Test("values are written low group first, with the high bit on all but the last byte")
    func written() {
        // 300 = 0b10_0101100: the low seven bits 0101100 (2C) with the high bit (AC), then 10 (02).
        for (value, bytes) in [(0, [0x00]), (1, [0x01]), (127, [0x7F]), (300, [0xAC, 0x02]), (16_384, [0x80, 0x80, 0x01])] as [(Int, [UInt8])] {
            var buffer = [UInt8](repeating: 0xEE, count: 6)
            var position = 1
            buffer.withUnsafeMutableBytes { ProtobufVarint.write(value, into: $0, at: &position) }
            #expect(Array(buffer[1..<position]) == bytes)
            #expect(buffer[0] == 0xEE && buffer[position] == 0xEE)
        }
    }
}
