/// An encoding split around one `bytes` field at its top level, without copying anything.
///
/// A reader that hands a large `bytes` field on as a view into the bytes it read gives
/// libprotobuf-c's unpack only the rest of the message:
///
/// ```
/// 08 01 10 07 1A 0C …method… | 32 0B …11 bytes… | 3A 02 08 00
/// └──────── rest[0] ────────┘      └─ value ─┘   └─ rest[1] ─┘
/// ```
///
/// Tags and lengths are read exactly as protobuf-c 1.4's unpack reads them. Every length-delimited
/// occurrence of the field is taken out and the last one is the value, as unpack keeps the last
/// value of a singular field. An occurrence with another wire type stays in the rest, where
/// unpack refuses it as it would in the whole message.
public struct ProtobufFieldSplit: Sendable, Equatable {
    /// The field's last value, without its tag and length; `nil` when the field does not occur.
    public let value: Range<Int>?
    /// The rest of the encoding, in order: the stretches outside every occurrence of the field.
    /// Empty stretches are left out.
    public let rest: Stretches
    /// Whether an empty occurrence of the field given as `droppingEmpty` was left out of the rest.
    public let droppedEmpty: Bool

    /// Splits `bytes`, an encoding of a message, around field `number`; `nil` when `bytes` cannot
    /// be read as an encoding.
    ///
    /// With `emptyField`, a message field whose length-delimited occurrences are all empty (a tag
    /// and a zero length) is left out of the rest too, and ``droppedEmpty`` tells whether it was.
    /// Such a field reads as a message with every field at its default, so a reader that sets it
    /// when the rest lacks it reads the same message; a field with any occurrence that is not
    /// empty stays, since protobuf-c keeps the last occurrence where protobuf merges them. The
    /// rest may then hold no zero byte at all, which spares the decoder its search for U+0000 in
    /// strings.
    public init?(field number: UInt32, droppingEmpty emptyField: UInt32? = nil, in bytes: UnsafeRawBufferPointer) {
        guard var split = Self.split(bytes, around: number, droppingEmpty: emptyField) else { return nil }
        if split.keepsEmptyField && split.droppedEmpty {
            // Rare: split again, leaving every occurrence of the field in the rest.
            guard let again = Self.split(bytes, around: number, droppingEmpty: nil) else { return nil }
            split = again
        }
        self.value = split.value
        self.rest = split.rest
        self.droppedEmpty = split.droppedEmpty
    }

    private static func split(
        _ bytes: UnsafeRawBufferPointer,
        around number: UInt32,
        droppingEmpty emptyField: UInt32?
    ) -> (value: Range<Int>?, rest: Stretches, droppedEmpty: Bool, keepsEmptyField: Bool)? {
        var rest = Stretches()
        var value: Range<Int>?
        var droppedEmpty = false
        var keepsEmptyField = false
        var position = 0
        do {
            try ProtobufWireScan.forEachOccurrence(ofField: number, orField: emptyField, in: bytes) { fieldNumber, whole, occurrence in
                if fieldNumber == number {
                    value = occurrence
                } else {
                    guard occurrence.isEmpty else {
                        keepsEmptyField = true
                        return
                    }
                    droppedEmpty = true
                }
                if whole.lowerBound > position { rest.append(position..<whole.lowerBound) }
                position = whole.upperBound
            }
        } catch {
            return nil
        }
        if bytes.count > position { rest.append(position..<bytes.count) }
        return (value, rest, droppedEmpty, keepsEmptyField)
    }
}

extension ProtobufFieldSplit {
    /// Stretches of an encoding, in order: the first two kept in place, so that the usual split
    /// (one or two stretches around a field that occurs once) allocates nothing.
    public struct Stretches: RandomAccessCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
        private var first: Range<Int> = 0..<0
        private var second: Range<Int> = 0..<0
        private var more: [Range<Int>] = []
        /// The number of stretches.
        public private(set) var endIndex = 0

        /// Always 0.
        public var startIndex: Int { 0 }

        /// The stretch at `position`.
        public subscript(position: Int) -> Range<Int> {
            precondition(position >= 0 && position < endIndex, "stretch index out of range")
            switch position {
            case 0: return first
            case 1: return second
            default: return more[position - 2]
            }
        }

        /// The stretches given, in order.
        public init(arrayLiteral stretches: Range<Int>...) {
            for stretch in stretches { append(stretch) }
        }

        mutating func append(_ stretch: Range<Int>) {
            switch endIndex {
            case 0: first = stretch
            case 1: second = stretch
            default: more.append(stretch)
            }
            endIndex += 1
        }
    }
}
