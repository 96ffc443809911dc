import Crypto
import Foundation

/// A random 256-bit secret behind an API token; only its SHA-256 hash is ever stored.
///
/// ```
/// let secret = CredentialSecret.generate()
/// let token = try CredentialToken(id: "t42", secret: secret)   // give token.text to the caller once
/// store(id: "t42", hash: secret.hash())                        // keep only the hash
/// // later, on a request:
/// let presented = try CredentialToken(parsing: header)
/// let ok = presented.secret.matches(hash: storedHash(for: presented.id))
/// ```
///
/// The secret has no equality operator: compare through ``matches(hash:)``, which takes the same
/// time however many bytes agree. The description never shows the secret.
public struct CredentialSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The number of random bytes in a secret.
    public static let byteCount = 32

    let bytes: [UInt8]

    /// Wraps bytes already checked to be `byteCount` long.
    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Makes a fresh secret from the system's secure random source.
    public static func generate() -> CredentialSecret {
        CredentialSecret(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// The SHA-256 digest of the secret's bytes (32 bytes): what the registry stores instead of the secret.
    public func hash() -> Data {
        Data(SHA256.hash(data: bytes))
    }

    /// Whether this secret's hash equals a stored hash, compared in constant time.
    public func matches(hash stored: Data) -> Bool {
        Self.constantTimeEquals(hash(), stored)
    }

    /// Whether two byte strings are equal, taking the same time wherever they first differ.
    ///
    /// Strings of different lengths are unequal at once; lengths are not secret here.
    public static func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) {
            difference |= left ^ right
        }
        return difference == 0
    }

    public var description: String { "CredentialSecret(redacted)" }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
