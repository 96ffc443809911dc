/// One-dimensional arrays, in PostgreSQL's binary array format:
///
/// ```
/// int32 ndim | int32 flags (1 = has NULLs) | uint32 element OID
/// per dimension: int32 length | int32 lower bound
/// per element:   int32 byte length (-1 = NULL) | bytes
/// ```
///
/// An empty array has no dimensions. Arrays holding NULL elements, or more than one dimension,
/// do not decode into `[Element]`.
extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public static var postgresType: PostgresDataType { Element.postgresArrayType }

    public func encode(into buffer: inout [UInt8]) {
        buffer.appendBigEndian(Int32(isEmpty ? 0 : 1))
        buffer.appendBigEndian(Int32(0))
        buffer.appendBigEndian(Element.postgresType.oid)
        guard !isEmpty else { return }
        buffer.appendBigEndian(Int32(count))
        buffer.appendBigEndian(Int32(1))
        for element in self {
            let lengthAt = buffer.count
            buffer.appendBigEndian(Int32(0))
            element.encode(into: &buffer)
            let length = Int32(buffer.count - lengthAt - 4)
            Swift.withUnsafeBytes(of: length.bigEndian) { bytes in
                for index in 0..<4 { buffer[lengthAt + index] = bytes[index] }
            }
        }
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public static func decode(from bytes: UnsafeRawBufferPointer, type: PostgresDataType) throws -> Self {
        guard type == Element.postgresArrayType || (Element.self == String.self && type == .varcharArray) else {
            throw PostgresDecodingFailure.typeMismatch
        }
        guard bytes.count >= 12 else { throw PostgresDecodingFailure("array header too short") }
        let dimensions = bytes.bigEndian(Int32.self, at: 0)
        let elementType = PostgresDataType(oid: bytes.bigEndian(UInt32.self, at: 8))
        if dimensions == 0 { return [] }
        guard dimensions == 1 else { throw PostgresDecodingFailure("array has \(dimensions) dimensions, expected 1") }
        guard bytes.count >= 20 else { throw PostgresDecodingFailure("array header too short") }
        let count = Int(bytes.bigEndian(Int32.self, at: 12))
        guard count >= 0 else { throw PostgresDecodingFailure("negative array length") }
        var result: [Element] = []
        result.reserveCapacity(count)
        var offset = 20
        for _ in 0..<count {
            guard offset + 4 <= bytes.count else { throw PostgresDecodingFailure("array truncated") }
            let length = Int(bytes.bigEndian(Int32.self, at: offset))
            offset += 4
            guard length >= 0 else { throw PostgresDecodingFailure("array holds NULL; decode as [Element?] is not supported") }
            guard offset + length <= bytes.count else { throw PostgresDecodingFailure("array truncated") }
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)])
            result.append(try Element.decode(from: slice, type: elementType))
            offset += length
        }
        return result
    }
}
