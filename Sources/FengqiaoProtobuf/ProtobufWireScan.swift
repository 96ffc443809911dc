internal import CProtobufC

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Reads a protobuf encoding field by field, guided by a protobuf-c descriptor, to find a `string`
/// field whose bytes cannot become a Swift `String` unchanged.
///
/// protobuf-c's unpack hands a string over as a NUL-terminated C string, so everything after a
/// U+0000 in it would be lost without a sign. The decoder scans the bytes unpack accepted and
/// refuses such a message, naming the field by its path:
///
/// ```
/// tag 0A (field 1, LEN) → rows, repeated message: recurse, counting rows[0], rows[1] …
///     tag 0A (field 1, LEN) → name, string: E7 A9 BA 00 E5 AD 97 holds 00 → "rows[1].name"
/// tag 12 (field 2, LEN) → not in the descriptor, or bytes: skipped whatever it holds
/// ```
///
/// Tags and lengths are read exactly as protobuf-c 1.4's unpack reads them, so both see the same
/// fields; bytes the scan cannot read throw ``Unreadable``, never pass unchecked. Unknown fields
/// and `bytes` fields are skipped: they may hold zero bytes.
enum ProtobufWireScan {
    /// What a scan looks for in each `string` field.
    enum Fault {
        /// A zero byte (U+0000).
        case nul
        /// Bytes that are not valid UTF-8.
        case invalidUTF8
    }

    /// The encoding cannot be read the way protobuf-c's unpack reads it.
    struct Unreadable: Error {}

    /// The path of the first `string` field in `bytes` with `fault`, or `nil` when there is none.
    ///
    /// `bytes` is an encoding of the message `descriptor` describes, one that protobuf-c's unpack
    /// accepted. An encoding without any zero byte has no string with U+0000, so that case costs
    /// one `memchr`.
    ///
    /// - Throws: ``Unreadable`` when the bytes cannot be read as an encoding.
    static func firstString(
        with fault: Fault,
        in bytes: UnsafeRawBufferPointer,
        of descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    ) throws(Unreadable) -> ProtobufFieldPath? {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return nil }
        if fault == .nul, memchr(base, 0, bytes.count) == nil { return nil }
        let message = Message(base: base.assumingMemoryBound(to: UInt8.self), start: 0, end: bytes.count)
        return try message.firstString(with: fault, descriptor: descriptor)
    }
}

extension ProtobufWireScan {
    /// Hands `body` the length-delimited occurrences of field `number` at the top level of
    /// `bytes`, in order: each whole (tag, length, value) and its value alone.
    ///
    /// - Throws: ``Unreadable`` when the bytes cannot be read as an encoding; `body` may have seen
    ///   some occurrences by then.
    static func forEachOccurrence(
        ofField number: UInt32,
        in bytes: UnsafeRawBufferPointer,
        _ body: (_ whole: Range<Int>, _ value: Range<Int>) -> Void
    ) throws(Unreadable) {
        try forEachOccurrence(ofField: number, orField: nil, in: bytes) { _, whole, value in body(whole, value) }
    }

    /// Hands `body` the length-delimited occurrences of field `number` and of field `other` at
    /// the top level of `bytes`, in order: the field's number, each whole (tag, length, value)
    /// and its value alone.
    ///
    /// - Throws: ``Unreadable`` as ``forEachOccurrence(ofField:in:_:)``.
    static func forEachOccurrence(
        ofField number: UInt32,
        orField other: UInt32?,
        in bytes: UnsafeRawBufferPointer,
        _ body: (_ number: UInt32, _ whole: Range<Int>, _ value: Range<Int>) -> Void
    ) throws(Unreadable) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try Message(base: base.assumingMemoryBound(to: UInt8.self), start: 0, end: bytes.count)
            .forEachOccurrence(ofField: number, orField: other, body)
    }
}

extension ProtobufWireScan {
    /// The bytes of one message: `base[start..<end]`.
    private struct Message {
        let base: UnsafePointer<UInt8>
        let start: Int
        let end: Int

        func firstString(
            with fault: Fault,
            descriptor: UnsafePointer<ProtobufCMessageDescriptor>
        ) throws(Unreadable) -> ProtobufFieldPath? {
            var position = start
            while position < end {
                let tagStart = position
                let (number, range) = try readField(at: &position)
                guard let range, let field = protobuf_c_message_descriptor_get_field(descriptor, number) else { continue }
                let value = Message(base: base, start: range.lowerBound, end: range.upperBound)
                guard let found = try value.firstString(with: fault, in: field) else { continue }
                let index = try index(of: field, before: tagStart)
                switch found {
                case .here:
                    return ProtobufFieldPath(field, index: index)
                case .inside(var path, let inner):
                    path.enclose(in: field, index: index, inner: inner)
                    return path
                }
            }
            return nil
        }

        /// Hands `body` the number and ranges, relative to `start`, of the length-delimited
        /// occurrences of field `number` and of field `other`: each whole (tag, length, value)
        /// and its value alone.
        func forEachOccurrence(
            ofField number: UInt32,
            orField other: UInt32?,
            _ body: (_ number: UInt32, _ whole: Range<Int>, _ value: Range<Int>) -> Void
        ) throws(Unreadable) {
            var position = start
            while position < end {
                let tagStart = position
                let (fieldNumber, value) = try readField(at: &position)
                if fieldNumber == number || fieldNumber == other, let value {
                    body(fieldNumber, tagStart..<value.upperBound, value)
                }
            }
        }

        /// Reads the field at `position` and moves past it: its number, and for a length-delimited
        /// field the range of its value.
        @inline(__always)
        private func readField(at position: inout Int) throws(Unreadable) -> (number: UInt32, value: Range<Int>?) {
            let (number, wireType) = try readTag(at: &position)
            switch wireType {
            case 0: try skipVarint(at: &position)
            case 1: try skip(8, at: &position)
            case 5: try skip(4, at: &position)
            case 2:
                let length = try readLength(at: &position)
                defer { position += length }
                return (number, position..<(position + length))
            default:
                // Groups (3, 4) and the unused 6 and 7: protobuf-c refuses them.
                throw Unreadable()
            }
            return (number, nil)
        }

        /// This length-delimited value of `field`: the path inside it to a string with `fault`.
        ///
        @inline(__always)
        private func firstString(
            with fault: Fault,
            in field: UnsafePointer<ProtobufCFieldDescriptor>
        ) throws(Unreadable) -> Found? {
            switch field.pointee.type {
            case PROTOBUF_C_TYPE_STRING:
                return hasFault(fault) ? .here : nil
            case PROTOBUF_C_TYPE_MESSAGE:
                guard let inner = field.pointee.descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                else { throw Unreadable() }
                if fault == .nul, memchr(base + start, 0, end - start) == nil { return nil }
                return try firstString(with: fault, descriptor: inner).map { .inside($0, inner) }
            default:
                return nil  // bytes, or a packed repeated scalar
            }
        }

        @inline(__always)
        private func hasFault(_ fault: Fault) -> Bool {
            switch fault {
            case .nul:
                return end > start && memchr(base + start, 0, end - start) != nil
            case .invalidUTF8:
                return String(validating: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self) == nil
            }
        }

        /// For a repeated field: how many of its values come before the one tagged at `tagStart`.
        private func index(of field: UnsafePointer<ProtobufCFieldDescriptor>, before tagStart: Int) throws(Unreadable) -> Int? {
            guard field.pointee.label == PROTOBUF_C_LABEL_REPEATED else { return nil }
            var count = 0
            var position = start
            while position < tagStart {
                if try readField(at: &position).number == field.pointee.id { count += 1 }
            }
            return count
        }

        /// Reads a tag as protobuf-c's `parse_tag_and_wiretype` does: at most 5 bytes, the field
        /// number kept to 32 bits, 0 refused.
        @inline(__always)
        private func readTag(at position: inout Int) throws(Unreadable) -> (number: UInt32, wireType: UInt8) {
            let first = base[position]
            guard first & 0xF8 != 0 else { throw Unreadable() }
            let wireType = first & 7
            var number = UInt32(first & 0x7F) &>> 3
            if first & 0x80 == 0 {
                position += 1
                return (number, wireType)
            }
            var shift: UInt32 = 4
            for offset in 1..<min(5, end - position) {
                let byte = base[position + offset]
                number |= UInt32(byte & 0x7F) &<< shift
                if byte & 0x80 == 0 {
                    position += offset + 1
                    return (number, wireType)
                }
                shift += 7
            }
            throw Unreadable()
        }

        /// Reads a length prefix as protobuf-c's `scan_length_prefixed_data` does: at most 5
        /// bytes, at most `Int32.max`, and the value within the message.
        @inline(__always)
        private func readLength(at position: inout Int) throws(Unreadable) -> Int {
            var length = 0
            var shift = 0
            for offset in 0..<min(5, end - position) {
                let byte = base[position + offset]
                length |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 {
                    guard length <= Int(Int32.max), offset + 1 + length <= end - position else { throw Unreadable() }
                    position += offset + 1
                    return length
                }
                shift += 7
            }
            throw Unreadable()
        }

        /// Skips a varint of at most 10 bytes.
        @inline(__always)
        private func skipVarint(at position: inout Int) throws(Unreadable) {
            for offset in 0..<min(10, end - position) where base[position + offset] & 0x80 == 0 {
                position += offset + 1
                return
            }
            throw Unreadable()
        }

        @inline(__always)
        private func skip(_ count: Int, at position: inout Int) throws(Unreadable) {
            guard end - position >= count else { throw Unreadable() }
            position += count
        }
    }

    /// Where a length-delimited value holds the string found.
    fileprivate enum Found {
        /// The value is the string.
        case here
        /// The value is a message of type `inner`, with the string at the path in it.
        case inside(ProtobufFieldPath, UnsafePointer<ProtobufCMessageDescriptor>)
    }
}
