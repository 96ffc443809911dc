/// The protobuf wire format's base-128 varints, for writers that put a length before bytes they
/// write themselves.
public enum ProtobufVarint {
    /// How many bytes `value` takes as a varint: 1 below 128, 2 below 16,384, and so on.
    public static func length(of value: Int) -> Int {
        precondition(value >= 0, "a varint length of a negative number")
        var value = value
        var length = 1
        while value >= 0x80 {
            value >>= 7
            length += 1
        }
        return length
    }

    /// Writes `value` as a varint at `position` in `buffer`, which has room for it, and moves
    /// `position` past it.
    public static func write(_ value: Int, into buffer: UnsafeMutableRawBufferPointer, at position: inout Int) {
        precondition(value >= 0, "a varint of a negative number")
        var value = value
        while value >= 0x80 {
            buffer[position] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            position += 1
        }
        buffer[position] = UInt8(value)
        position += 1
    }
}
