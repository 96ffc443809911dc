internal import CProtobufC

/// A message generated from a `.proto` file, encoded and decoded with libprotobuf-c.
///
/// Generated structs conform to it; nothing else should. Encode with ``serializedBytes()`` and
/// decode with ``init(serializedBytes:)-(some Collection<UInt8>)``:
///
/// ```swift
/// let request = HealthV1.CheckRequest(service: "fengqiao.registry.v1.Registry")
/// let bytes = try request.serializedBytes()
/// let decoded = try HealthV1.CheckRequest(serializedBytes: bytes)
/// ```
///
/// The members whose names start with `_protobuf` connect generated code to libprotobuf-c. They are
/// not API: call the serialization methods instead.
///
/// ## Topics
///
/// - ``serializedBytes()``
/// - ``serialize(appendingTo:)``
/// - ``withSerializedSize(_:)``
/// - ``init(serializedBytes:)-(some Collection<UInt8>)``
/// - ``init(serializedBytes:)-(UnsafeRawBufferPointer)``
public protocol ProtobufMessage: Sendable, Hashable {
    /// The message's full proto name, such as `fengqiao.rpc.v1.Envelope`.
    static var protoMessageName: String { get }

    /// Creates a message with every field at its default: zero, empty, or absent.
    init()

    /// The `ProtobufCMessageDescriptor` of the message's protobuf-c struct. Not API.
    static var _protobufDescriptor: UnsafeRawPointer? { get }

    /// Builds the message's protobuf-c struct, and everything it points to, in `arena`. Not API.
    func _protobufMake(in arena: ProtobufArena) -> UnsafeMutableRawPointer

    /// Reads the message from a protobuf-c struct of its type. Not API.
    ///
    /// - Throws: ``ProtobufDecodingError`` when a string is not valid UTF-8.
    init(_protobufUnpacked message: UnsafeRawPointer) throws
}

extension ProtobufMessage {
    /// Encodes the message in the protobuf wire format.
    ///
    /// - Throws: ``ProtobufEncodingError`` (`nulInString`) when a string holds U+0000, which
    ///   libprotobuf-c cannot encode without cutting it short.
    public func serializedBytes() throws(ProtobufEncodingError) -> [UInt8] {
        let arena = ProtobufArena()
        let packing = try arena.prepare(self)
        return withExtendedLifetime(arena) {
            [UInt8](unsafeUninitializedCapacity: packing.size) { buffer, initialized in
                packing.write(into: UnsafeMutableRawBufferPointer(buffer))
                initialized = packing.size
            }
        }
    }

    /// Appends the message's encoding to `bytes`.
    ///
    /// - Throws: ``ProtobufEncodingError`` as ``serializedBytes()``; `bytes` is then unchanged.
    public func serialize(appendingTo bytes: inout [UInt8]) throws(ProtobufEncodingError) {
        let arena = ProtobufArena()
        let packing = try arena.prepare(self)
        withExtendedLifetime(arena) {
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: packing.size))
            bytes.withUnsafeMutableBytes { all in
                packing.write(into: UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + packing.size)]))
            }
        }
    }

    /// Encodes the message into storage the caller provides, once the size is known.
    ///
    /// `body` receives the exact size of the encoding and a function that writes it into a buffer
    /// of at least that many bytes; neither may escape `body`. This lets a caller put a length
    /// prefix and the message into one buffer without an intermediate array:
    ///
    /// ```swift
    /// try envelope.withSerializedSize { size, write in
    ///     buffer.writeInteger(UInt32(size))
    ///     buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { write($0); return size }
    /// }
    /// ```
    ///
    /// The message is converted to protobuf-c's structs once, whether `write` is called or not.
    ///
    /// - Throws: ``ProtobufEncodingError`` as ``serializedBytes()``, before `body` is called; or
    ///   what `body` throws.
    public func withSerializedSize<Result>(
        _ body: (_ size: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) throws -> Result
    ) throws -> Result {
        let arena = ProtobufArena()
        let packing = try arena.prepare(self)
        return try withExtendedLifetime(arena) {
            try body(packing.size) { packing.write(into: $0) }
        }
    }

    /// Decodes a message from its protobuf encoding.
    ///
    /// Fields the message does not know are skipped. An enum number it does not know is kept as
    /// the enum's `unrecognized` case.
    ///
    /// - Throws: ``ProtobufDecodingError`` with code `malformed` when the bytes are not a valid
    ///   encoding of the message, `invalidUTF8` when a string field is not valid UTF-8, or
    ///   `nulInString` when one holds U+0000; the last two name the field by its path.
    @inlinable
    public init(serializedBytes bytes: some Collection<UInt8>) throws {
        if let decoded = try bytes.withContiguousStorageIfAvailable({
            try Self(serializedBytes: UnsafeRawBufferPointer($0))
        }) {
            self = decoded
        } else {
            self = try Array(bytes).withUnsafeBytes { try Self(serializedBytes: $0) }
        }
    }

    /// Decodes a message from its protobuf encoding in memory the caller owns.
    ///
    /// - Throws: ``ProtobufDecodingError``, as ``init(serializedBytes:)-(some Collection<UInt8>)``.
    public init(serializedBytes bytes: UnsafeRawBufferPointer) throws {
        guard let descriptor = Self._protobufDescriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) else {
            throw ProtobufDecodingError(code: .malformed, messageName: Self.protoMessageName)
        }
        let scratchSize = ProtobufUnpackScratch.byteCount(forEncodingOf: bytes.count)
        self = try withUnsafeTemporaryAllocation(byteCount: scratchSize, alignment: 16) { scratch in
            try ProtobufUnpackScratch.withAllocator(in: scratch) { allocator in
                try Self.unpack(bytes, descriptor: descriptor, allocator: allocator)
            }
        }
    }

    /// Unpacks `bytes` with libprotobuf-c, taking memory from `allocator`, and copies the result
    /// into a message.
    private static func unpack(
        _ bytes: UnsafeRawBufferPointer,
        descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        allocator: UnsafeMutablePointer<ProtobufCAllocator>
    ) throws -> Self {
        var empty: UInt8 = 0
        let unpacked = withUnsafePointer(to: &empty) { emptyPointer in
            protobuf_c_message_unpack(
                descriptor,
                allocator,
                bytes.count,
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyPointer
            )
        }
        guard let unpacked else {
            throw ProtobufDecodingError(code: .malformed, messageName: Self.protoMessageName)
        }
        defer { protobuf_c_message_free_unpacked(unpacked, allocator) }
        // Unpack cut every string at its first NUL; refuse rather than read the shortened text.
        if let path = try Self.firstString(with: .nul, in: bytes, of: descriptor) {
            throw ProtobufDecodingError(code: .nulInString, messageName: Self.protoMessageName, field: path.description)
        }
        do {
            return try Self(_protobufUnpacked: UnsafeRawPointer(unpacked))
        } catch let error as ProtobufDecodingError where error.code == .invalidUTF8 {
            // The generated code knows only the innermost field; name the whole path.
            guard let path = try Self.firstString(with: .invalidUTF8, in: bytes, of: descriptor) else { throw error }
            throw ProtobufDecodingError(code: .invalidUTF8, messageName: Self.protoMessageName, field: path.description)
        }
    }

    private static func firstString(
        with fault: ProtobufWireScan.Fault,
        in bytes: UnsafeRawBufferPointer,
        of descriptor: UnsafePointer<ProtobufCMessageDescriptor>
    ) throws(ProtobufDecodingError) -> ProtobufFieldPath? {
        do {
            return try ProtobufWireScan.firstString(with: fault, in: bytes, of: descriptor)
        } catch {
            throw ProtobufDecodingError(code: .malformed, messageName: protoMessageName)
        }
    }
}

extension ProtobufArena {
    /// Builds `message`'s protobuf-c structs here, ready to pack while the arena lives.
    ///
    /// Several messages may be prepared in one arena, to be packed one after another into one
    /// buffer. Not API: encode with the ``ProtobufMessage`` methods.
    ///
    /// - Throws: ``ProtobufEncodingError`` (`nulInString`) naming the first string, in field
    ///   order, that holds U+0000.
    public func prepare<Message: ProtobufMessage>(_ message: Message) throws(ProtobufEncodingError) -> ProtobufPacking {
        let noted = stringsWithNUL.count
        let made = message._protobufMake(in: self).assumingMemoryBound(to: ProtobufCMessage.self)
        guard stringsWithNUL.count == noted else {
            let path = ProtobufStructScan.firstString(among: Array(stringsWithNUL[noted...]), in: made)
            throw ProtobufEncodingError(code: .nulInString, messageName: Message.protoMessageName, field: path?.description)
        }
        return ProtobufPacking(message: made, size: protobuf_c_message_get_packed_size(made))
    }
}

/// A message's protobuf-c structs, built in an arena that must outlive it, and their packed size.
///
/// Not API: made by ``ProtobufArena/prepare(_:)`` for the encoding methods of ``ProtobufMessage``
/// and for writers that put several messages into one buffer.
public struct ProtobufPacking {
    private let message: UnsafeMutableRawPointer
    /// The size of the message's encoding, in bytes.
    public let size: Int

    fileprivate init(message: UnsafeMutablePointer<ProtobufCMessage>, size: Int) {
        self.message = UnsafeMutableRawPointer(message)
        self.size = size
    }

    /// Packs the message into the start of `buffer`, which holds at least ``size`` bytes.
    public func write(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= size, "buffer of \(buffer.count) bytes for a message of \(size)")
        guard size > 0, let base = buffer.baseAddress else { return }
        let written = protobuf_c_message_pack(message.assumingMemoryBound(to: ProtobufCMessage.self), base.assumingMemoryBound(to: UInt8.self))
        assert(written == size, "protobuf-c packed \(written) bytes, expected \(size)")
    }
}
