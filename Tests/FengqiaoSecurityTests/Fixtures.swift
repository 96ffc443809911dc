import FengqiaoSecurity

/// Fixed keys for tests: byte ranges, so vectors can be recomputed elsewhere.
enum Fixtures {
    /// Bytes 0x00…0x1f.
    static let key1 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    /// Bytes 0x40…0x5f.
    static let key2 = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8="
    /// Bytes 0x60…0x7f.
    static let key3 = "YGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn8="
    /// Bytes 0x20…0x3f.
    static let lookup = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="
    /// Bytes 0x00…0x1f as a token secret: unpadded base64url
    /// (Python: `base64.urlsafe_b64encode(bytes(range(32))).rstrip(b"=")`).
    static let rangeSecret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
    /// Every key above, for checking that no text shows one.
    static let allKeys = [key1, key2, key3, lookup]

    /// A ring holding only k1, current.
    static let beforeRotation = """
        current=k1
        k1=\(key1)
        lookup=\(lookup)
        """

    /// The same ring after k2 was added and made current.
    static let afterRotation = """
        current=k2
        k1=\(key1)
        k2=\(key2)
        lookup=\(lookup)
        """

    static func cipher(_ configuration: String = beforeRotation) throws -> PersonalDataCipher {
        PersonalDataCipher(keys: try PersonalDataKeys(configuration: configuration))
    }

    /// Whether a text shows any key, or any 12-character piece of one.
    static func showsKeyMaterial(_ text: String) -> Bool {
        allKeys.contains { key in
            stride(from: 0, to: key.count - 12, by: 4).contains { start in
                text.contains(key.dropFirst(start).prefix(12))
            }
        }
    }
}
