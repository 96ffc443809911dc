import Foundation

/// An API token as handed to its holder: `fq_<id>_<secret>`, the secret in unpadded base64url.
///
/// ```
/// fq_t42_3q2-7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
/// │  │   └ 43 characters: 32 random bytes, base64url without padding
/// │  └ token id: 1 to 32 lower-case letters and digits
/// └ prefix, so a leaked token is easy to recognise
/// ```
///
/// The id finds the stored hash; the secret proves possession. The description shows the id only.
public struct CredentialToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The text every token starts with.
    public static let prefix = "fq_"

    /// The token's id, under which the registry keeps the secret's hash.
    public let id: String
    /// The secret.
    public let secret: CredentialSecret

    /// Pairs an id with a secret.
    ///
    /// - Throws: `CredentialTokenError.invalidID` unless the id is 1 to 32 lower-case ASCII letters and digits.
    public init(id: String, secret: CredentialSecret) throws(CredentialTokenError) {
        guard Self.isValidID(id) else { throw CredentialTokenError(.invalidID) }
        self.id = id
        self.secret = secret
    }

    /// Reads a token's text, strictly: the prefix, a valid id, `_`, and exactly 43 base64url characters
    /// that encode 32 bytes canonically.
    ///
    /// - Throws: `CredentialTokenError`: `missingPrefix`, `invalidID` or `invalidSecret`; its description
    ///   never repeats the text.
    public init(parsing text: String) throws(CredentialTokenError) {
        guard text.hasPrefix(Self.prefix) else { throw CredentialTokenError(.missingPrefix) }
        let rest = text.dropFirst(Self.prefix.count)
        // The id has no underscore, so the first one ends it; the secret may contain more.
        guard let separator = rest.firstIndex(of: "_") else { throw CredentialTokenError(.invalidID) }
        let id = String(rest[..<separator])
        guard Self.isValidID(id) else { throw CredentialTokenError(.invalidID) }
        guard let bytes = Self.decodeSecret(String(rest[rest.index(after: separator)...])) else {
            throw CredentialTokenError(.invalidSecret)
        }
        self.id = id
        self.secret = CredentialSecret(bytes: bytes)
    }

    /// The token's full text, to give to its holder once; never log it.
    public var text: String {
        "\(Self.prefix)\(id)_\(Self.encodeSecret(secret.bytes))"
    }

    public var description: String { "\(Self.prefix)\(id)_…" }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["id": id], displayStyle: .struct) }

    static func isValidID(_ id: String) -> Bool {
        (1...32).contains(id.unicodeScalars.count)
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// The length of 32 bytes in unpadded base64.
    static let encodedSecretLength = 43

    static func encodeSecret(_ bytes: [UInt8]) -> String {
        String(
            Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_")
                .dropLast())  // 32 bytes always end in one "="
    }

    static func decodeSecret(_ text: String) -> [UInt8]? {
        guard text.unicodeScalars.count == encodedSecretLength,
            text.unicodeScalars.allSatisfy({
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            })
        else { return nil }
        let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "="
        guard let data = Data(base64Encoded: standard), data.count == CredentialSecret.byteCount else { return nil }
        let bytes = Array(data)
        // Only one of the spellings of the last character is canonical.
        guard encodeSecret(bytes) == text else { return nil }
        return bytes
    }
}

/// Why a token's text was refused; the description never repeats the text, which may hold a secret.
///
/// ```
/// credential token: the secret must be 43 base64url characters encoding 32 bytes
/// ```
public struct CredentialTokenError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Code: Hashable, Sendable {
        /// The text does not start with `fq_`.
        case missingPrefix
        /// The id is missing, or not 1 to 32 lower-case letters and digits.
        case invalidID
        /// The secret is not 43 base64url characters canonically encoding 32 bytes.
        case invalidSecret
    }

    /// What is wrong.
    public var code: Code

    /// Makes an error.
    public init(_ code: Code) {
        self.code = code
    }

    public var description: String {
        switch code {
        case .missingPrefix: "credential token: must start with \(CredentialToken.prefix)"
        case .invalidID: "credential token: the id must be 1 to 32 lower-case letters and digits, followed by _"
        case .invalidSecret: "credential token: the secret must be 43 base64url characters encoding 32 bytes"
        }
    }
}
