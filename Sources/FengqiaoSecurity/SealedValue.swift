import Foundation

/// A personal-data value as stored: encrypted, authenticated, and naming the key that sealed it.
///
/// ```
/// v1:k2:q83vEjRWeJCrze8S...
/// │  │  └ base64 (padded) of nonce (12 bytes) | ciphertext (as long as the UTF-8 plaintext) | tag (16 bytes)
/// │  └ key id
/// └ format version
/// ```
///
/// The text fits a `text` column. The description shows the version and key id only, so a sealed
/// value in a log reveals nothing more than which key it needs.
public struct SealedValue: Hashable, Sendable, CustomStringConvertible {
    /// The stored text.
    public let rawValue: String
    /// The id of the key that sealed the value.
    public let keyID: PersonalDataKeyID
    /// Nonce, ciphertext and tag.
    let combined: Data

    static let version = "v1"
    static let nonceByteCount = 12
    static let tagByteCount = 16

    /// Reads stored text, checking its shape; only ``PersonalDataCipher/open(_:field:)`` checks its content.
    ///
    /// - Throws: `PersonalDataError` with `unsupportedVersion` for another `v<n>:` prefix, else `malformed`.
    public init(_ text: String) throws(PersonalDataError) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw PersonalDataError(.malformed) }
        guard parts[0] == Self.version else {
            let isVersion = parts[0].first == "v" && parts[0].count > 1
                && parts[0].dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
            throw PersonalDataError(isVersion ? .unsupportedVersion : .malformed)
        }
        guard let keyID = PersonalDataKeyID(String(parts[1])) else { throw PersonalDataError(.malformed) }
        let encoded = String(parts[2])
        guard let combined = Data(base64Encoded: encoded), combined.base64EncodedString() == encoded,
            combined.count >= Self.nonceByteCount + Self.tagByteCount
        else { throw PersonalDataError(.malformed, keyID: keyID) }
        self.rawValue = text
        self.keyID = keyID
        self.combined = combined
    }

    /// Assembles a value from a key id and the nonce, ciphertext and tag.
    init(keyID: PersonalDataKeyID, combined: Data) {
        self.rawValue = "\(Self.version):\(keyID):\(combined.base64EncodedString())"
        self.keyID = keyID
        self.combined = combined
    }

    public var description: String { "\(Self.version):\(keyID):…" }
}
