import Crypto
import Foundation
import Testing

@testable import FengqiaoSecurity

@Suite struct PersonalDataCipherTests {
    static let idField = "registry.person.national_id"
    static let phoneField = "registry.person.phone"

    @Test(arguments: ["11010519491231002X", "13812345678", "青山县公安局 张三", "", "户籍: 👮‍♀️ e\u{301}"])
    func roundTrip(_ plaintext: String) throws {
        let cipher = try Fixtures.cipher()
        let sealed = try cipher.seal(plaintext, field: Self.idField)
        #expect(sealed.keyID.rawValue == "k1")
        #expect(sealed.rawValue.hasPrefix("v1:k1:"))
        #expect(try cipher.open(sealed, field: Self.idField) == plaintext)
        #expect(try cipher.open(sealed.rawValue, field: Self.idField) == plaintext)
        #expect(try SealedValue(sealed.rawValue) == sealed)
    }

    @Test func everySealUsesAFreshNonce() throws {
        let cipher = try Fixtures.cipher()
        let values = try (0..<20).map { _ in try cipher.seal("13812345678", field: Self.phoneField).rawValue }
        #expect(Set(values).count == values.count)
        // 12-byte nonce, 11 bytes of ciphertext, 16-byte tag: 39 bytes, 52 base64 characters.
        #expect(values.allSatisfy { $0.count == "v1:k1:".count + 52 })
    }

    // Known answer, computed independently with Python's `cryptography` package (48.0.0):
    //
    //     from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    //     key, nonce = bytes(range(0x00, 0x20)), bytes(range(0xa0, 0xac))
    //     aad = b"v1:k1:registry.person.national_id"
    //     ct = AESGCM(key).encrypt(nonce, "11010519491231002X".encode(), aad)   # ciphertext | tag
    //     print((nonce + ct).hex(), "v1:k1:" + base64.b64encode(nonce + ct).decode())
    static let knownCombinedHex =
        "a0a1a2a3a4a5a6a7a8a9aaab" + "d7294c1c75fe3386565cb6e1344bf0ee42f4" + "f170d377abc4e822ed0c96959d5b7689"
    static let knownSealed = "v1:k1:oKGio6Slpqeoqaqr1ylMHHX+M4ZWXLbhNEvw7kL08XDTd6vE6CLtDJaVnVt2iQ=="

    @Test func opensAValueSealedElsewhere() throws {
        let cipher = try Fixtures.cipher()
        let sealed = try SealedValue(Self.knownSealed)
        #expect(sealed.combined == Data(hex: Self.knownCombinedHex))
        #expect(try cipher.open(sealed, field: Self.idField) == "11010519491231002X")
    }

    @Test func sealsAsAnotherImplementationDoes() throws {
        let cipher = try Fixtures.cipher()
        let nonce = try AES.GCM.Nonce(data: Data((0xa0...0xab) as ClosedRange<UInt8>))
        let sealed = try cipher.seal("11010519491231002X", field: Self.idField, nonce: nonce)
        #expect(sealed.rawValue == Self.knownSealed)
    }

    // Known answer, computed independently with Python's `hmac` and `hashlib`:
    //
    //     lookup = bytes(range(0x20, 0x40))
    //     field_key = hmac.new(lookup, b"fengqiao.lookup.v1:registry.person.phone", hashlib.sha256).digest()
    //     print(hmac.new(field_key, b"13812345678", hashlib.sha256).hexdigest())
    @Test func lookupHashMatchesAnotherImplementation() throws {
        let cipher = try Fixtures.cipher()
        #expect(
            cipher.lookupHash("13812345678", field: Self.phoneField)
                == Data(hex: "3e396d2d15092e26f97ab9652aa3e204e4a8b2523edd2e5cb75a79c9091948e5"))
    }

    @Test func lookupHashesMatchEqualValuesInOneFieldOnly() throws {
        let cipher = try Fixtures.cipher()
        let hash = cipher.lookupHash("13812345678", field: Self.phoneField)
        #expect(hash.count == 32)
        #expect(cipher.lookupHash("13812345678", field: Self.phoneField) == hash)
        #expect(cipher.lookupHash("13812345679", field: Self.phoneField) != hash)
        #expect(cipher.lookupHash("13812345678", field: "registry.contact.phone") != hash)
        // A different lookup key gives different hashes.
        let other = try Fixtures.cipher("current=k1;k1=\(Fixtures.key1);lookup=\(Fixtures.key3)")
        #expect(other.lookupHash("13812345678", field: Self.phoneField) != hash)
    }

    @Test func rotation() throws {
        let before = try Fixtures.cipher(Fixtures.beforeRotation)
        let after = try Fixtures.cipher(Fixtures.afterRotation)
        let old = try before.seal("11010519491231002X", field: Self.idField)

        #expect(try after.open(old, field: Self.idField) == "11010519491231002X")
        #expect(after.needsReseal(old))
        #expect(!before.needsReseal(old))

        let resealed = try after.reseal(old, field: Self.idField)
        #expect(resealed.keyID.rawValue == "k2")
        #expect(!after.needsReseal(resealed))
        #expect(try after.open(resealed, field: Self.idField) == "11010519491231002X")
        #expect(try after.reseal(resealed, field: Self.idField) == resealed)
        // The old ring cannot read what only k2 sealed.
        #expect(throws: PersonalDataError(.unknownKey, field: Self.idField, keyID: resealed.keyID)) {
            try before.open(resealed, field: Self.idField)
        }

        #expect(
            before.lookupHash("11010519491231002X", field: Self.idField)
                == after.lookupHash("11010519491231002X", field: Self.idField))
    }

    @Test(arguments: [0, 11, 12, 20, 29, 30, 38, 45])  // nonce 0…11, ciphertext 12…29, tag 30…45
    func aFlippedByteIsRefused(at offset: Int) throws {
        let cipher = try Fixtures.cipher()
        let sealed = try cipher.seal("11010519491231002X", field: Self.idField)
        var combined = sealed.combined
        combined[combined.startIndex + offset] ^= 0x01
        let tampered = try SealedValue("v1:k1:" + combined.base64EncodedString())
        let error = #expect(throws: PersonalDataError.self) { try cipher.open(tampered, field: Self.idField) }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.keyID?.rawValue == "k1")
        Self.expectNoPersonalData(in: error)
    }

    @Test func aValueMovedToAnotherFieldIsRefused() throws {
        let cipher = try Fixtures.cipher()
        let sealed = try cipher.seal("11010519491231002X", field: Self.idField)
        let error = #expect(throws: PersonalDataError.self) { try cipher.open(sealed, field: Self.phoneField) }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.field == Self.phoneField)
        Self.expectNoPersonalData(in: error)
    }

    @Test func aValueRelabelledWithAnotherKeyIDIsRefused() throws {
        let cipher = try Fixtures.cipher(Fixtures.afterRotation)
        let sealed = try cipher.seal("11010519491231002X", field: Self.idField)
        let relabelled = try SealedValue("v1:k1:" + sealed.combined.base64EncodedString())
        let error = #expect(throws: PersonalDataError.self) { try cipher.open(relabelled, field: Self.idField) }
        #expect(error?.code == .authenticationFailed)
        Self.expectNoPersonalData(in: error)
    }

    @Test func anUnknownKeyIDIsNamed() throws {
        let cipher = try Fixtures.cipher()
        let error = #expect(throws: PersonalDataError.self) {
            try cipher.open(Self.knownSealed.replacingOccurrences(of: "v1:k1:", with: "v1:k9:"), field: Self.idField)
        }
        #expect(error?.code == .unknownKey)
        #expect(
            error?.description == "sealed value for registry.person.national_id needs key k9, which is not in the key ring")
    }

    @Test(arguments: [
        ("", PersonalDataError.Code.malformed),
        ("11010519491231002X", .malformed),  // plaintext stored by mistake
        ("v1:k1", .malformed),
        ("v1:k1:", .malformed),
        ("v1::oKGio6Slpqeoqaqr1ylMHHX+M4ZWXLbhNEvw7kL08XDTd6vE6CLtDJaVnVt2iQ==", .malformed),
        ("v1:K1:oKGio6Slpqeoqaqr1ylMHHX+M4ZWXLbhNEvw7kL08XDTd6vE6CLtDJaVnVt2iQ==", .malformed),
        ("v1:k1:oKGio6Slpqeoqaqr1ylMHHX+M4ZWXLbhNEvw7kL08XDTd6vE6CLtDJaVnVt2iQ=", .malformed),  // bad padding
        ("v1:k1:oKGio6Slpqeoqaqr1ylMHHX+M4ZWXLbhNEvw7kL08XDTd6", .malformed),  // truncated mid-base64
        ("v1:k1:oKGio6Slpqeoqaqr1ylMHHX+M4ZWXLbh", .malformed),  // 27 bytes: shorter than nonce and tag
        ("v1:k1:oKGio6Slpqeoqaqr 1ylMHHX+M4ZWXLbhNEvw7kL08XDTd6vE6CLtDJaVnVt2iQ==", .malformed),
        ("v2:k1:oKGio6Slpqeoqaqr1ylMHHX+M4ZWXLbhNEvw7kL08XDTd6vE6CLtDJaVnVt2iQ==", .unsupportedVersion),
    ] as [(String, PersonalDataError.Code)])
    func malformedTextIsRefused(_ text: String, _ code: PersonalDataError.Code) throws {
        let cipher = try Fixtures.cipher()
        let error = #expect(throws: PersonalDataError.self) { try cipher.open(text, field: Self.idField) }
        #expect(error?.code == code)
        #expect(error?.field == Self.idField)
        Self.expectNoPersonalData(in: error)
    }

    @Test func aTruncatedValueThatStillParsesFailsAuthentication() throws {
        let cipher = try Fixtures.cipher()
        let sealed = try cipher.seal("11010519491231002X", field: Self.idField)
        let truncated = try SealedValue("v1:k1:" + sealed.combined.dropLast(3).base64EncodedString())
        let error = #expect(throws: PersonalDataError.self) { try cipher.open(truncated, field: Self.idField) }
        #expect(error?.code == .authenticationFailed)
        Self.expectNoPersonalData(in: error)
    }

    @Test func descriptionsShowNoCiphertext() throws {
        let sealed = try SealedValue(Self.knownSealed)
        #expect(sealed.description == "v1:k1:…")
        #expect("\(sealed)" == "v1:k1:…")
    }

    static func expectNoPersonalData(in error: PersonalDataError?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else { return }
        for text in [error.description, String(reflecting: error)] {
            #expect(!text.contains("11010519491231002X"), sourceLocation: sourceLocation)
            #expect(!text.contains("110105"), sourceLocation: sourceLocation)
            #expect(!text.contains("oKGio6"), sourceLocation: sourceLocation)
            #expect(!Fixtures.showsKeyMaterial(text), sourceLocation: sourceLocation)
        }
    }
}

extension Data {
    /// Bytes from lower-case hex; test vectors only.
    init(hex: String) {
        let digits = Array(hex.utf8).map { UInt8(($0 & 0xf) + ($0 >> 6) * 9) }
        self.init(stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] })
    }
}
