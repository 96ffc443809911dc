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
    public let rest: [Range<Int>]

    /// Splits `bytes`, an encoding of a message, around field `number`; `nil` when `bytes` cannot
    /// be read as an encoding.
    public init?(field number: UInt32, in bytes: UnsafeRawBufferPointer) {
        guard let occurrences = try? ProtobufWireScan.occurrences(ofField: number, in: bytes) else { return nil }
        var rest: [Range<Int>] = []
        var position = 0
        for occurrence in occurrences {
            if occurrence.whole.lowerBound > position { rest.append(position..<occurrence.whole.lowerBound) }
            position = occurrence.whole.upperBound
        }
        if bytes.count > position { rest.append(position..<bytes.count) }
        self.value = occurrences.last?.value
        self.rest = rest
    }
}
