internal import CProtobufC

/// A message generated from a `.proto` file, encoded and decoded with libprotobuf-c.
///
/// Generated structs conform to it; nothing else should. Encode with ``serializedBytes()`` and
/// decode with ``init(serializedBytes:)-(some Collection<UInt8>)``:
///
/// ```swift
/// let request = HealthV1.CheckRequest(service: "fengqiao.registry.v1.Registry")
/// let bytes = request.serializedBytes()
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
    public func serializedBytes() -> [UInt8] {
        withSerializedSize { size, write in
            [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
                write(UnsafeMutableRawBufferPointer(buffer))
                initialized = size
            }
        }
    }

    /// Appends the message's encoding to `bytes`.
    public func serialize(appendingTo bytes: inout [UInt8]) {
        withSerializedSize { size, write in
            let start = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: size))
            bytes.withUnsafeMutableBytes { all in
                write(UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + size)]))
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
    /// envelope.withSerializedSize { size, write in
    ///     buffer.writeInteger(UInt32(size))
    ///     buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { write($0); return size }
    /// }
    /// ```
    ///
    /// The message is converted to protobuf-c's structs once, whether `write` is called or not.
    public func withSerializedSize<Result>(
        _ body: (_ size: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) throws -> Result
    ) rethrows -> Result {
        let arena = ProtobufArena()
        let message = _protobufMake(in: arena).assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(message)
        return try withExtendedLifetime(arena) {
            try body(size) { buffer in
                precondition(buffer.count >= size, "buffer of \(buffer.count) bytes for a message of \(size)")
                guard size > 0, let base = buffer.baseAddress else { return }
                let written = protobuf_c_message_pack(message, base.assumingMemoryBound(to: UInt8.self))
                assert(written == size, "protobuf-c packed \(written) bytes, expected \(size)")
            }
        }
    }

    /// Decodes a message from its protobuf encoding.
    ///
    /// Fields the message does not know are skipped. An enum number it does not know is kept as
    /// the enum's `unrecognized` case.
    ///
    /// - Throws: ``ProtobufDecodingError`` with code `malformed` when the bytes are not a valid
    ///   encoding of the message, or `invalidUTF8` when a string field is not valid UTF-8.
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
        guard let descriptor = Self._protobufDescriptor else {
            throw ProtobufDecodingError(code: .malformed, messageName: Self.protoMessageName)
        }
        var empty: UInt8 = 0
        let unpacked = withUnsafePointer(to: &empty) { emptyPointer in
            protobuf_c_message_unpack(
                descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self),
                nil,
                bytes.count,
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? emptyPointer
            )
        }
        guard let unpacked else {
            throw ProtobufDecodingError(code: .malformed, messageName: Self.protoMessageName)
        }
        defer { protobuf_c_message_free_unpacked(unpacked, nil) }
        try self.init(_protobufUnpacked: UnsafeRawPointer(unpacked))
    }
}
