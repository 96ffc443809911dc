import FengqiaoProtobuf
import NIOCore

/// Writes each envelope as one frame: its length as a big-endian `UInt32`, then its protobuf bytes.
public struct EnvelopeFrameEncoder: MessageToByteEncoder {
    /// Envelopes to frame.
    public typealias OutboundIn = RPCV1.Envelope

    /// Creates an encoder.
    public init() {}

    /// Appends `envelope` as one frame to `out`.
    ///
    /// - Throws: ``ProtobufEncodingError`` when a string of the envelope holds U+0000. The channel
    ///   then fails this write and every later one, so senders check envelopes before writing them.
    public func encode(data envelope: RPCV1.Envelope, out: inout ByteBuffer) throws {
        try out.writeEnvelopeFrame(envelope)
    }
}

extension ByteBuffer {
    /// Appends `envelope` as one frame: a 4-byte big-endian length, then the envelope's protobuf bytes.
    ///
    /// - Returns: the number of bytes written.
    /// - Throws: ``ProtobufEncodingError`` when a string of the envelope holds U+0000; nothing is
    ///   written then.
    @discardableResult
    public mutating func writeEnvelopeFrame(_ envelope: RPCV1.Envelope) throws -> Int {
        try envelope.withSerializedSize { size, write in
            writeInteger(UInt32(truncatingIfNeeded: size), endianness: .big)
            writeWithUnsafeMutableBytes(minimumWritableBytes: size) { pointer in
                write(UnsafeMutableRawBufferPointer(rebasing: pointer[0..<size]))
                return size
            }
            return 4 + size
        }
    }
}
