internal import CProtobufC

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

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
        try ProtobufArena.withStackBlock { (arena) throws(ProtobufEncodingError) -> [UInt8] in
            let made = try arena.make(self)
            return arena.withStringsInPlace {
                let packing = ProtobufPacking(made: made, in: arena)
                return [UInt8](unsafeUninitializedCapacity: packing.size) { buffer, initialized in
                    packing.write(into: UnsafeMutableRawBufferPointer(buffer))
                    initialized = packing.size
                }
            }
        }
    }

    /// Appends the message's encoding to `bytes`.
    ///
    /// - Throws: ``ProtobufEncodingError`` as ``serializedBytes()``; `bytes` is then unchanged.
    public func serialize(appendingTo bytes: inout [UInt8]) throws(ProtobufEncodingError) {
        try ProtobufArena.withStackBlock { (arena) throws(ProtobufEncodingError) in
            let made = try arena.make(self)
            arena.withStringsInPlace {
                let packing = ProtobufPacking(made: made, in: arena)
                let start = bytes.count
                bytes.append(contentsOf: repeatElement(0, count: packing.size))
                bytes.withUnsafeMutableBytes { all in
                    packing.write(into: UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + packing.size)]))
                }
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
        try ProtobufArena.withStackBlock { arena in
            let made = try arena.make(self)
            return try arena.withStringsInPlace {
                let packing = ProtobufPacking(made: made, in: arena)
                return try body(packing.size) { packing.write(into: $0) }
            }
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
    @inlinable
    public init(serializedBytes bytes: UnsafeRawBufferPointer) throws {
        // Inlinable, so that each caller gets it made for its message type: the steps that do not
        // depend on the type are the non-generic `_ProtobufDecoding` functions.
        let descriptor = Self._protobufDescriptor
        self = try withUnsafeTemporaryAllocation(
            byteCount: _ProtobufDecoding.scratchByteCount(forEncodingOf: bytes.count),
            alignment: _ProtobufDecoding.scratchAlignment
        ) { scratch in
            let unpacked = try _ProtobufDecoding.unpack(bytes, descriptor: descriptor, scratch: scratch, as: Self.self)
            defer { _ProtobufDecoding.free(unpacked, scratch: scratch) }
            do {
                return try Self(_protobufUnpacked: unpacked)
            } catch {
                throw _ProtobufDecoding.conversionError(error, in: bytes, descriptor: descriptor, as: Self.self)
            }
        }
    }
}

/// The steps of decoding that do not depend on the message's type. Not API: decode with
/// ``ProtobufMessage/init(serializedBytes:)-(UnsafeRawBufferPointer)``.
public enum _ProtobufDecoding {
    /// The size of the scratch buffer ``unpack(_:descriptor:scratch:as:)`` takes for an encoding
    /// of `count` bytes (see ``ProtobufUnpackScratch``).
    public static func scratchByteCount(forEncodingOf count: Int) -> Int {
        ProtobufUnpackScratch.byteCount(forEncodingOf: count)
    }

    /// The alignment the scratch buffer needs.
    public static let scratchAlignment = ProtobufUnpackScratch.alignment

    /// Unpacks `bytes` with libprotobuf-c, taking memory from `scratch` (16-byte aligned, of
    /// ``scratchByteCount(forEncodingOf:)`` bytes) first, and refuses strings libprotobuf-c cut
    /// at a NUL. The result lives in `scratch`: give it to ``free(_:scratch:)`` before the
    /// scratch goes.
    ///
    /// - Throws: ``ProtobufDecodingError`` (`malformed`, or `nulInString` naming the field's path).
    public static func unpack(
        _ bytes: UnsafeRawBufferPointer,
        descriptor: UnsafeRawPointer?,
        scratch: UnsafeMutableRawBufferPointer,
        as type: any ProtobufMessage.Type
    ) throws(ProtobufDecodingError) -> UnsafeRawPointer {
        guard let descriptor = descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self) else {
            throw ProtobufDecodingError(code: .malformed, messageName: type.protoMessageName)
        }
        let allocator = ProtobufUnpackScratch.allocator(in: scratch)
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
            throw ProtobufDecodingError(code: .malformed, messageName: type.protoMessageName)
        }
        // Unpack cut every string at its first NUL; refuse rather than read the shortened text.
        // Only an encoding with a zero byte somewhere can hold one, so most skip the field walk.
        do throws(ProtobufDecodingError) {
            let hasZeroByte = bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false
            if hasZeroByte, let path = try firstString(with: .nul, in: bytes, of: descriptor, as: type) {
                throw ProtobufDecodingError(code: .nulInString, messageName: type.protoMessageName, field: path.description)
            }
        } catch {
            protobuf_c_message_free_unpacked(unpacked, allocator)
            throw error
        }
        return UnsafeRawPointer(unpacked)
    }

    /// Gives back what ``unpack(_:descriptor:scratch:as:)`` took off the scratch.
    public static func free(_ unpacked: UnsafeRawPointer, scratch: UnsafeMutableRawBufferPointer) {
        let allocator = ProtobufUnpackScratch.allocator(setUpIn: scratch)
        protobuf_c_message_free_unpacked(
            UnsafeMutableRawPointer(mutating: unpacked).assumingMemoryBound(to: ProtobufCMessage.self),
            allocator
        )
    }

    /// The error to throw for `error`, thrown while reading the unpacked message into Swift: an
    /// invalid UTF-8 string is named by its whole path (the generated code knows only the field).
    public static func conversionError(
        _ error: any Error,
        in bytes: UnsafeRawBufferPointer,
        descriptor: UnsafeRawPointer?,
        as type: any ProtobufMessage.Type
    ) -> any Error {
        guard let decodingError = error as? ProtobufDecodingError, decodingError.code == .invalidUTF8,
            let descriptor = descriptor?.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
        else { return error }
        do {
            guard let path = try firstString(with: .invalidUTF8, in: bytes, of: descriptor, as: type) else { return error }
            return ProtobufDecodingError(code: .invalidUTF8, messageName: type.protoMessageName, field: path.description)
        } catch {
            return error
        }
    }

    private static func firstString(
        with fault: ProtobufWireScan.Fault,
        in bytes: UnsafeRawBufferPointer,
        of descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        as type: any ProtobufMessage.Type
    ) throws(ProtobufDecodingError) -> ProtobufFieldPath? {
        do {
            return try ProtobufWireScan.firstString(with: fault, in: bytes, of: descriptor)
        } catch {
            throw ProtobufDecodingError(code: .malformed, messageName: type.protoMessageName)
        }
    }
}

extension ProtobufArena {
    /// Builds `message`'s protobuf-c structs here and returns the top one, to be measured and
    /// packed, inside ``withStringsInPlace(_:)``, by ``ProtobufPacking/init(made:in:)``; a writer
    /// may change the structs first. Several messages may be made in one arena, to be packed one
    /// after another into one buffer. Not API: encode with the ``ProtobufMessage`` methods.
    ///
    /// - Throws: ``ProtobufEncodingError`` (`nulInString`) naming the first string, in field
    ///   order, that holds U+0000.
    @inlinable
    public func make<Message: ProtobufMessage>(_ message: Message) throws(ProtobufEncodingError) -> UnsafeMutableRawPointer {
        // Inlinable, so that each caller gets it made for its message type.
        let noted = _stringsWithNULCount
        let made = message._protobufMake(in: self)
        guard _stringsWithNULCount == noted else {
            throw _nulError(since: noted, in: made, messageName: Message.protoMessageName)
        }
        return made
    }

    /// How many of the strings copied here hold U+0000. Not API.
    public var _stringsWithNULCount: Int { stringsWithNUL.count }

    /// The error for the message `made`, whose strings copied since `noted` include one holding
    /// U+0000. Not API.
    public func _nulError(since noted: Int, in made: UnsafeMutableRawPointer, messageName: String) -> ProtobufEncodingError {
        let path = ProtobufStructScan.firstString(
            among: Array(stringsWithNUL[noted...]),
            in: UnsafePointer(made.assumingMemoryBound(to: ProtobufCMessage.self))
        )
        return ProtobufEncodingError(code: .nulInString, messageName: messageName, field: path?.description)
    }
}

/// A message's protobuf-c structs, built in an arena that must outlive it, and their packed size.
///
/// Not API: made for the encoding methods of ``ProtobufMessage`` and for writers that put several
/// messages into one buffer.
public struct ProtobufPacking {
    private let message: UnsafeMutableRawPointer
    /// The size of the message's encoding, in bytes.
    public let size: Int

    /// Measures the protobuf-c structs `made` in `arena` (by ``ProtobufArena/make(_:)``, or by
    /// hand) for packing, inside the arena's ``ProtobufArena/withStringsInPlace(_:)``, where
    /// ``write(into:)`` must run too; the structs must not change until written.
    public init(made: UnsafeMutableRawPointer, in arena: borrowing ProtobufArena) {
        // A string left in place would read as empty outside: every test encodes through here.
        assert(arena._isReadyToPack, "a message measured outside ProtobufArena.withStringsInPlace(_:)")
        self.message = made
        self.size = protobuf_c_message_get_packed_size(made.assumingMemoryBound(to: ProtobufCMessage.self))
    }

    /// Packs the message into the start of `buffer`, which holds at least ``size`` bytes.
    public func write(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= size, "buffer of \(buffer.count) bytes for a message of \(size)")
        guard size > 0, let base = buffer.baseAddress else { return }
        let written = protobuf_c_message_pack(message.assumingMemoryBound(to: ProtobufCMessage.self), base.assumingMemoryBound(to: UInt8.self))
        assert(written == size, "protobuf-c packed \(written) bytes, expected \(size)")
    }
}
