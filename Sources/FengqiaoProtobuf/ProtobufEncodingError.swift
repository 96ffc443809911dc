/// Why a message could not be encoded.
///
/// Its `description` names the message type and field, never their content, so it is safe to log.
public struct ProtobufEncodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Sendable, Hashable {
        /// A `string` field holds U+0000. libprotobuf-c's pack writes a string up to its first NUL
        /// (it keeps strings as C strings), so the rest would be lost; the message is not encoded.
        case nulInString
    }

    /// What went wrong.
    public var code: Code
    /// The full proto name of the message being encoded.
    public var messageName: String
    /// The path of the field at fault in that message, such as `rows[1].name`, when known.
    public var field: String?

    /// Creates an error.
    public init(code: Code, messageName: String, field: String? = nil) {
        self.code = code
        self.messageName = messageName
        self.field = field
    }

    public var description: String {
        switch code {
        case .nulInString:
            "field \(field ?? "?") of \(messageName) contains U+0000"
        }
    }
}
