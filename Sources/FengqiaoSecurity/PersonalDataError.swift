/// Why a personal-data value could not be sealed, read or opened.
///
/// ```
/// sealed value for registry.person.phone needs key k9, which is not in the key ring
/// ```
///
/// The description names the field and key id, never the plaintext or the ciphertext.
public struct PersonalDataError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: Hashable, Sendable {
        /// The text is not `v1:<key id>:<base64>` with at least a nonce and a tag.
        case malformed
        /// The text is a later format version (`v2:`…) than this code reads.
        case unsupportedVersion
        /// The value names a key id that is not in the key ring.
        case unknownKey
        /// AES-GCM authentication failed: the value was changed, moved from another field, or its key
        /// was replaced under the same id.
        case authenticationFailed
        /// The value opened but is not UTF-8 text.
        case notText
        /// The system's AES-GCM implementation refused to seal.
        case sealingFailed
    }

    /// What went wrong.
    public var code: Code
    /// The field the value belongs to, when known.
    public var field: String?
    /// The key id the value names, when it could be read.
    public var keyID: PersonalDataKeyID?

    /// Makes an error.
    public init(_ code: Code, field: String? = nil, keyID: PersonalDataKeyID? = nil) {
        self.code = code
        self.field = field
        self.keyID = keyID
    }

    public var description: String {
        let value = field.map { "sealed value for \($0)" } ?? "sealed value"
        let key = keyID.map { " (key \($0))" } ?? ""
        return switch code {
        case .malformed: "\(value) is malformed: expected v1:<key id>:<base64 of nonce, ciphertext and tag>"
        case .unsupportedVersion: "\(value) has an unsupported format version; this build reads v1"
        case .unknownKey: "\(value) needs key \(keyID.map(\.rawValue) ?? "?"), which is not in the key ring"
        case .authenticationFailed:
            "\(value)\(key) failed authentication: it was altered, belongs to another field, or the key changed"
        case .notText: "\(value)\(key) is not UTF-8 text"
        case .sealingFailed: "\(value) could not be sealed"
        }
    }
}
