import Crypto
import Foundation

/// The text of a credential: `fq_<id>_<secret>`, the secret 32 random bytes in unpadded base64url.
///
/// The issuer stores only the secret's SHA-256 hash; the id finds the stored credential without
/// a search over hashes. A 256-bit random secret needs no slow hash: it cannot be guessed.
public struct CredentialToken: Sendable, Hashable {
    public let id: Int64
    public let secret: [UInt8]

    /// Reads a token's text; `nil` when it is not one.
    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("Bearer ") { text = text.dropFirst(7) }
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "fq", let id = Int64(parts[1]), id > 0, parts[2].count == 43,
            let secret = Self.decodeBase64URL(String(parts[2])), secret.count == 32
        else { return nil }
        self.id = id
        self.secret = secret
    }

    /// A new token with a fresh random secret.
    public init(id: Int64) {
        var generator = SystemRandomNumberGenerator()
        self.id = id
        self.secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The token's text, to hand to its holder once.
    public var text: String {
        "fq_\(id)_" + Data(secret).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The hash the issuer stores.
    public var secretHash: [UInt8] { Self.hash(secret) }

    public static func hash(_ secret: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: secret))
    }

    /// Whether a secret hashes to the stored hash, compared in constant time.
    public static func matches(secret: [UInt8], hash stored: [UInt8]) -> Bool {
        let computed = hash(secret)
        guard computed.count == stored.count else { return false }
        return zip(computed, stored).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func decodeBase64URL(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}

extension CredentialToken: CustomStringConvertible, CustomDebugStringConvertible {
    /// The id only: a token's secret never reaches a log.
    public var description: String { "fq_\(id)_…" }
    public var debugDescription: String { description }
}
