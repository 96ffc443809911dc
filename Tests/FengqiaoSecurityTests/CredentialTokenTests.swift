import Foundation
import Testing

@testable import FengqiaoSecurity

@Suite struct CredentialTokenTests {
    @Test func generatedTokensRoundTrip() throws {
        let token = try CredentialToken(id: "t42", secret: .generate())
        #expect(token.text.hasPrefix("fq_t42_"))
        #expect(token.text.count == "fq_t42_".count + 43)
        let parsed = try CredentialToken(parsing: token.text)
        #expect(parsed.id == "t42")
        #expect(parsed.text == token.text)
        #expect(parsed.secret.matches(hash: token.secret.hash()))
    }

    @Test func secretsDiffer() {
        let hashes = Set((0..<20).map { _ in CredentialSecret.generate().hash() })
        #expect(hashes.count == 20)
    }

    @Test func formatsAKnownSecret() throws {
        let token = try CredentialToken(id: "7", secret: CredentialSecret(bytes: Array(0..<32)))
        #expect(token.text == "fq_7_" + Fixtures.rangeSecret)
    }

    @Test func parsesASecretFullOfUnderscoresAndDashes() throws {
        // Python: base64.urlsafe_b64encode(bytes([0xfb, 0xff] + [0xfe] * 30)).rstrip(b"=")
        let text = "fq_abc_-__-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v4"
        let token = try CredentialToken(parsing: text)
        #expect(token.id == "abc")
        #expect(token.secret.bytes == [0xfb, 0xff] + Array(repeating: 0xfe, count: 30))
        #expect(token.text == text)
    }

    @Test(arguments: [
        ("", CredentialTokenError.Code.missingPrefix),
        ("FQ_t1_\(Fixtures.rangeSecret)", .missingPrefix),
        ("t1_\(Fixtures.rangeSecret)", .missingPrefix),
        ("fq_", .invalidID),
        ("fq_t1", .invalidID),
        ("fq__\(Fixtures.rangeSecret)", .invalidID),
        ("fq_T1_\(Fixtures.rangeSecret)", .invalidID),
        ("fq_t-1_\(Fixtures.rangeSecret)", .invalidID),
        ("fq_\(String(repeating: "a", count: 33))_\(Fixtures.rangeSecret)", .invalidID),
        ("fq_t1_", .invalidSecret),
        ("fq_t1_\(Fixtures.rangeSecret.dropLast())", .invalidSecret),  // 42 characters
        ("fq_t1_\(Fixtures.rangeSecret)A", .invalidSecret),  // 44 characters
        ("fq_t1_\(Fixtures.rangeSecret)=", .invalidSecret),  // padding
        ("fq_t1_\(Fixtures.rangeSecret.dropLast())9", .invalidSecret),  // non-canonical last character
        ("fq_t1_\(Fixtures.rangeSecret.dropLast(2))+8", .invalidSecret),  // base64, not base64url
        ("fq_t1_\(Fixtures.rangeSecret.dropLast(2)) 8", .invalidSecret),
        ("fq_t1_\(Fixtures.rangeSecret)\n", .invalidSecret),
    ] as [(String, CredentialTokenError.Code)])
    func refusesMalformedTokens(_ text: String, _ code: CredentialTokenError.Code) {
        let error = #expect(throws: CredentialTokenError.self) { try CredentialToken(parsing: text) }
        #expect(error?.code == code)
        #expect(error?.description.contains(Fixtures.rangeSecret.prefix(8)) == false)
    }

    @Test(arguments: ["", "T1", "t_1", String(repeating: "a", count: 33)])
    func refusesInvalidIDs(_ id: String) {
        #expect(throws: CredentialTokenError(.invalidID)) { try CredentialToken(id: id, secret: .generate()) }
    }

    @Test func hashIsSHA256OfTheSecretBytes() {
        // Python: hashlib.sha256(bytes(range(32))).hexdigest()
        #expect(
            CredentialSecret(bytes: Array(0..<32)).hash()
                == Data(hex: "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"))
    }

    @Test func matchesOnlyItsOwnHash() {
        let secret = CredentialSecret.generate()
        #expect(secret.matches(hash: secret.hash()))
        #expect(!secret.matches(hash: CredentialSecret.generate().hash()))
        #expect(!secret.matches(hash: secret.hash().dropLast()))
        #expect(!secret.matches(hash: Data()))
    }

    @Test(arguments: [
        ([], [], true), ([1, 2, 3], [1, 2, 3], true), ([1, 2, 3], [1, 2, 4], false), ([0x80], [0x00], false),
        ([1, 2], [1, 2, 3], false), ([], [0], false),
    ] as [([UInt8], [UInt8], Bool)])
    func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8], _ equal: Bool) {
        #expect(CredentialSecret.constantTimeEquals(lhs, rhs) == equal)
        #expect(CredentialSecret.constantTimeEquals(Data(lhs), Data(rhs)) == equal)
    }

    @Test func descriptionsShowNoSecret() throws {
        let token = try CredentialToken(id: "t42", secret: CredentialSecret(bytes: Array(0..<32)))
        #expect(token.description == "fq_t42_…")
        #expect(String(reflecting: token) == "fq_t42_…")
        #expect("\(token.secret)" == "CredentialSecret(redacted)")
        var dumped = ""
        dump(token, to: &dumped)
        #expect(!dumped.contains(Fixtures.rangeSecret.prefix(8)))
        #expect(!dumped.contains("31"))  // the last byte, as a number
        #expect(dumped.contains("t42"))
    }
}
