/// Reading helpers for generated code: they turn what libprotobuf-c's unpack produced into Swift
/// values. Used by generated code only; not API.
public enum ProtobufRuntime {
    /// Reads a C string; `nil` reads as empty.
    ///
    /// - Throws: ``ProtobufDecodingError`` with code `invalidUTF8` naming `field` of `message`
    ///   when the bytes are not valid UTF-8. Strings are never repaired: a replacement character
    ///   stored in a record would hide the fault and could not be told from real text.
    public static func string(_ pointer: UnsafePointer<CChar>?, field: String, of message: String) throws -> String {
        guard let pointer else { return "" }
        guard let string = String(validatingCString: pointer) else {
            throw ProtobufDecodingError(code: .invalidUTF8, messageName: message, field: field)
        }
        return string
    }

    /// Copies `count` bytes; a `nil` pointer reads as empty.
    @inlinable
    public static func bytes(_ pointer: UnsafePointer<UInt8>?, count: Int) -> [UInt8] {
        array(pointer, count: count)
    }

    /// Copies a C array of `count` elements; a `nil` pointer reads as empty.
    @inlinable
    public static func array<T>(_ pointer: UnsafePointer<T>?, count: Int) -> [T] {
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Maps a C array of `count` elements; a `nil` pointer reads as empty.
    @inlinable
    public static func array<Element, T>(
        _ pointer: UnsafePointer<Element>?,
        count: Int,
        _ transform: (Element) throws -> T
    ) rethrows -> [T] {
        guard let pointer, count > 0 else { return [] }
        var result: [T] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            result.append(try transform(pointer[index]))
        }
        return result
    }

    /// Reads a message a pointer in a repeated or map field points to.
    ///
    /// - Throws: ``ProtobufDecodingError`` with code `malformed` if the pointer is `nil`, which
    ///   libprotobuf-c's unpack never produces.
    @inlinable
    public static func message<Message: ProtobufMessage, CStruct>(
        _ type: Message.Type,
        at pointer: UnsafeMutablePointer<CStruct>?,
        field: String,
        of message: String
    ) throws -> Message {
        guard let pointer else {
            throw ProtobufDecodingError(code: .malformed, messageName: message, field: field)
        }
        return try Message(_protobufUnpacked: UnsafeRawPointer(pointer))
    }

    /// Reads a map field, stored by protobuf-c as an array of pointers to entry structs.
    ///
    /// A key that appears more than once keeps its last value, as protobuf requires.
    @inlinable
    public static func dictionary<Entry, Key: Hashable, Value>(
        _ pointer: UnsafePointer<UnsafeMutablePointer<Entry>?>?,
        count: Int,
        field: String,
        of message: String,
        _ transform: (Entry) throws -> (Key, Value)
    ) throws -> [Key: Value] {
        guard let pointer, count > 0 else { return [:] }
        func entry(_ index: Int) throws -> (Key, Value) {
            guard let entry = pointer[index] else {
                throw ProtobufDecodingError(code: .malformed, messageName: message, field: field)
            }
            return try transform(entry.pointee)
        }
        // The usual map of metadata has one entry. A literal stores it with one hash of its key;
        // an empty dictionary filled by subscript hashes it twice (before and after growing), and
        // `Dictionary(minimumCapacity:)` runs unspecialised in the standard library, looking up
        // its storage's generic type on every call.
        if count == 1 {
            let (key, value) = try entry(0)
            return [key: value]
        }
        var result: [Key: Value] = [:]
        result.reserveCapacity(count)
        for index in 0..<count {
            let (key, value) = try entry(index)
            result[key] = value
        }
        return result
    }
}
