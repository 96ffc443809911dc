/// Why bytes could not be decoded as a message.
///
/// Its `description` names the message type and field, never their content, so it is safe to log.
public struct ProtobufDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// The bytes are not a valid protobuf encoding of the message: truncated, a bad tag or
        /// varint, a length past the end, or a field of the wrong wire type. libprotobuf-c's unpack
        /// rejected them.
        case malformed
        /// A `string` field holds bytes that are not valid UTF-8.
        case invalidUTF8
        /// A `string` field holds U+0000. libprotobuf-c's unpack gives strings as C strings, which
        /// end at their first NUL, so the text after it would be lost; the message is refused instead.
        case nulInString
    }

    /// What went wrong.
    public var code: Code
    /// The full proto name of the message being decoded.
    public var messageName: String
    /// The path of the field at fault in that message, when known: proto field names joined by
    /// dots, list positions in brackets (`rows[1].name`), as `fengqiao.rpc.v1.FieldViolation`
    /// names request fields.
    public var field: String?

    /// Creates an error.
    public init(code: Code, messageName: String, field: String? = nil) {
        self.code = code
        self.messageName = messageName
        self.field = field
    }

    public var description: String {
        switch code {
        case .malformed:
            "malformed protobuf encoding of \(messageName)"
        case .invalidUTF8:
            "field \(field ?? "?") of \(messageName) is not valid UTF-8"
        case .nulInString:
            "field \(field ?? "?") of \(messageName) contains U+0000"
        }
    }
}
