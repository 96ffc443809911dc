import Crypto
import Foundation

/// The keys that protect personal data at rest: AES-256 keys by id, one current, and a lookup key.
///
/// ```
/// let keys = try PersonalDataKeys(configuration: """
///     current=k2
///     k1=<base64 of 32 bytes>
///     k2=<base64 of 32 bytes>
///     lookup=<base64 of 32 bytes>
///     """)
/// let cipher = PersonalDataCipher(keys: keys)
/// ```
///
/// New values are sealed with the current key; older keys stay so that values sealed before a
/// rotation still open. The lookup key is separate, so rotating encryption keys never changes a
/// lookup hash. The description, debug description and mirror show key ids only, never key bytes.
public struct PersonalDataKeys: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The id of the key new values are sealed with.
    public let currentKeyID: PersonalDataKeyID
    let encryptionKeys: [PersonalDataKeyID: SendableKey]
    let lookupKey: SendableKey

    /// The number of bytes in every key: AES-256 and HMAC-SHA256 both take 32.
    public static let keyByteCount = 32

    /// Makes a key ring from keys already in memory.
    ///
    /// - Throws: `PersonalDataKeyError` with `unknownCurrent` when `current` has no key, `wrongKeyLength`
    ///   when a key is not 32 bytes, `lookupKeyReused` when the lookup key is also an encryption key.
    public init(
        current: PersonalDataKeyID, encryptionKeys: [PersonalDataKeyID: SymmetricKey], lookupKey: SymmetricKey
    ) throws(PersonalDataKeyError) {
        for (id, key) in encryptionKeys.sorted(by: { $0.key < $1.key }) where key.bitCount != Self.keyByteCount * 8 {
            throw PersonalDataKeyError(.wrongKeyLength, entry: id.rawValue, byteCount: key.bitCount / 8)
        }
        guard lookupKey.bitCount == Self.keyByteCount * 8 else {
            throw PersonalDataKeyError(.wrongKeyLength, entry: "lookup", byteCount: lookupKey.bitCount / 8)
        }
        guard encryptionKeys[current] != nil else {
            throw PersonalDataKeyError(.unknownCurrent, entry: current.rawValue)
        }
        for (id, key) in encryptionKeys.sorted(by: { $0.key < $1.key }) where key == lookupKey {
            throw PersonalDataKeyError(.lookupKeyReused, entry: id.rawValue)
        }
        self.currentKeyID = current
        self.encryptionKeys = encryptionKeys.mapValues(SendableKey.init)
        self.lookupKey = SendableKey(lookupKey)
    }

    /// The ids of every encryption key, in order.
    public var keyIDs: [PersonalDataKeyID] { encryptionKeys.keys.sorted() }

    /// Whether the ring holds the encryption key with this id.
    public func contains(_ id: PersonalDataKeyID) -> Bool { encryptionKeys[id] != nil }

    public var description: String {
        "PersonalDataKeys(current: \(currentKeyID), keys: \(keyIDs.map(\.rawValue).joined(separator: ", ")))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["currentKeyID": currentKeyID, "keyIDs": keyIDs], displayStyle: .struct)
    }
}

extension PersonalDataKeys {
    /// Makes the text of a fresh key file: one new encryption key, current, and a new lookup key.
    ///
    /// ```
    /// # Fengqiao personal-data keys. Keep this file secret (chmod 600).
    /// current=k1
    /// k1=3q2+7w...=
    /// lookup=Yk9x...=
    /// ```
    ///
    /// The keys come from the system's secure random source. The text parses with
    /// ``init(configuration:source:)``.
    public static func generate(keyID: PersonalDataKeyID) -> String {
        """
        # Fengqiao personal-data keys. Keep this file secret (chmod 600).
        # Format: docs/SECURITY.md, "Personal data at rest".
        current=\(keyID)
        \(keyID)=\(generateKey())
        lookup=\(generateKey())

        """
    }

    /// Makes the text of a fresh key file whose first key is `k1`.
    public static func generate() -> String {
        generate(keyID: PersonalDataKeyID(unchecked: "k1"))
    }

    /// A fresh random 32-byte key in base64, for adding to a key file before a rotation.
    public static func generateKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }
}

/// A `SymmetricKey` that may cross tasks.
///
/// swift-crypto 3 does not mark `SymmetricKey` `Sendable`, though it is an immutable value whose
/// storage is never written after creation; this wrapper says so once.
struct SendableKey: @unchecked Sendable {
    let key: SymmetricKey

    init(_ key: SymmetricKey) {
        self.key = key
    }
}

extension PersonalDataKeyID {
    /// Wraps text already known to be a valid id.
    init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }
}
