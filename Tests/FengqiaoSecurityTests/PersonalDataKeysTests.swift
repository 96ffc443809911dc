import FengqiaoSecurity
import Foundation
import Testing

@Suite struct PersonalDataKeysTests {
    @Test func readsAKeyFile() throws {
        let keys = try PersonalDataKeys(
            configuration: """
                # rotated 2026-11
                current=k2

                k1=\(Fixtures.key1)
                k2=\(Fixtures.key2)\r
                lookup=\(Fixtures.lookup)
                """)
        #expect(keys.currentKeyID.rawValue == "k2")
        #expect(keys.keyIDs.map(\.rawValue) == ["k1", "k2"])
        let k1 = try #require(PersonalDataKeyID("k1"))
        let k3 = try #require(PersonalDataKeyID("k3"))
        #expect(keys.contains(k1))
        #expect(!keys.contains(k3))
    }

    @Test func semicolonsSeparateEntriesForAnEnvironmentVariable() throws {
        let keys = try PersonalDataKeys(
            configuration: "current=k1; k1=\(Fixtures.key1); lookup=\(Fixtures.lookup);")
        #expect(keys.currentKeyID.rawValue == "k1")
    }

    @Test(arguments: [
        ("k1=\(Fixtures.key1)\nlookup=\(Fixtures.lookup)", PersonalDataKeyError.Code.missingCurrent, nil, nil),
        ("current=k2\nk1=\(Fixtures.key1)\nlookup=\(Fixtures.lookup)", .unknownCurrent, 1, "k2"),
        ("current=k1\nk1=\(Fixtures.key1)", .missingLookupKey, nil, nil),
        ("current=k1\nk1=AAAAAAAAAAAAAAAAAAAAAA==\nlookup=\(Fixtures.lookup)", .wrongKeyLength, 2, "k1"),
        ("current=k1\nk1=\(Fixtures.key1)\nlookup=\(Fixtures.key1)A", .invalidBase64, 3, "lookup"),
        ("current=k1\nk1=\(Fixtures.key1.dropLast())\nlookup=\(Fixtures.lookup)", .invalidBase64, 2, "k1"),  // no padding
        ("current=k1\nk1=\(Fixtures.key1.dropLast(2))9=\nlookup=\(Fixtures.lookup)", .invalidBase64, 2, "k1"),  // non-canonical
        ("current=k1\nk1 = \(Fixtures.key1)\nlookup=\(Fixtures.lookup)", .malformedLine, 2, nil),
        ("current=k1\n\(Fixtures.key1)\nlookup=\(Fixtures.lookup)", .invalidKeyID, 2, nil),  // a pasted key: name not echoed
        ("current=k1\nk1=\(Fixtures.key1)\nlookup", .malformedLine, 3, nil),
        ("current=k1\nK1=\(Fixtures.key1)\nlookup=\(Fixtures.lookup)", .invalidKeyID, 2, nil),
        ("current=K1\nk1=\(Fixtures.key1)\nlookup=\(Fixtures.lookup)", .invalidKeyID, 1, "current"),
        ("current=k1\nk1=\(Fixtures.key1)\nk1=\(Fixtures.key2)\nlookup=\(Fixtures.lookup)", .duplicateEntry, 3, "k1"),
        ("current=k1;current=k1\nk1=\(Fixtures.key1)\nlookup=\(Fixtures.lookup)", .duplicateEntry, 1, "current"),
        ("current=k1\nk1=\(Fixtures.key1)\nk2=\(Fixtures.key2)\nlookup=\(Fixtures.key2)", .lookupKeyReused, 3, "k2"),
    ] as [(String, PersonalDataKeyError.Code, Int?, String?)])
    func refusesABadConfiguration(_ text: String, _ code: PersonalDataKeyError.Code, _ line: Int?, _ entry: String?) {
        let error = #expect(throws: PersonalDataKeyError.self) {
            try PersonalDataKeys(configuration: text, source: "test.keys")
        }
        #expect(error?.code == code)
        #expect(error?.line == line)
        #expect(error?.entry == entry)
        #expect(error?.source == "test.keys")
        #expect(!Fixtures.showsKeyMaterial(error?.description ?? ""))
    }

    @Test func descriptionsNameTheProblem() {
        #expect(
            PersonalDataKeyError(.wrongKeyLength, source: "FENGQIAO_PII_KEYS", line: 2, entry: "k1", byteCount: 16)
                .description == "FENGQIAO_PII_KEYS: line 2: k1: key must be 32 bytes, not 16")
        #expect(PersonalDataKeyError(.missingCurrent).description == "no current=<key id> entry")
        #expect(
            PersonalDataKeyError(.unknownCurrent, line: 1, entry: "k2").description
                == "line 1: k2: current names this key id, but no key has it")
    }

    @Test func descriptionsAndMirrorsShowNoKeys() throws {
        let keys = try PersonalDataKeys(configuration: Fixtures.afterRotation)
        #expect(keys.description == "PersonalDataKeys(current: k2, keys: k1, k2)")
        #expect(String(reflecting: keys) == keys.description)
        var dumped = ""
        dump(keys, to: &dumped)
        #expect(!Fixtures.showsKeyMaterial(dumped))
        #expect(dumped.contains("k2"))
    }

    @Test func generatedFilesParse() throws {
        let text = PersonalDataKeys.generate()
        let keys = try PersonalDataKeys(configuration: text)
        #expect(keys.currentKeyID.rawValue == "k1")
        #expect(text.hasPrefix("#"))

        let k7 = try #require(PersonalDataKeyID("k7"))
        let other = try PersonalDataKeys(configuration: PersonalDataKeys.generate(keyID: k7))
        #expect(other.keyIDs.map(\.rawValue) == ["k7"])
        #expect(PersonalDataKeys.generate() != text)
        #expect(Data(base64Encoded: PersonalDataKeys.generateKey())?.count == 32)
    }

    @Test(arguments: ["k1", "a", "key2026a", "abcdefghijklmnop"])
    func validKeyIDs(_ text: String) {
        #expect(PersonalDataKeyID(text)?.rawValue == text)
    }

    @Test(arguments: ["", "1k", "K1", "k-1", "k:1", "abcdefghijklmnopq", "current", "lookup", "ｋ1"])
    func invalidKeyIDs(_ text: String) {
        #expect(PersonalDataKeyID(text) == nil)
    }
}

@Suite struct PersonalDataKeysEnvironmentTests {
    @Test func readsTheVariable() throws {
        let keys = try PersonalDataKeys.load(environment: ["FENGQIAO_PII_KEYS": Fixtures.afterRotation])
        #expect(keys.currentKeyID.rawValue == "k2")
    }

    @Test func readsTheFile() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("fengqiao-pii-\(UUID().uuidString).keys").path
        try Data(Fixtures.beforeRotation.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let keys = try PersonalDataKeys.load(environment: ["FENGQIAO_PII_KEYS_FILE": path, "FENGQIAO_PII_KEYS": ""])
        #expect(keys.currentKeyID.rawValue == "k1")
    }

    @Test func errorsNameTheVariableAndFile() throws {
        let path = "/nonexistent/fengqiao/pii.keys"
        let unreadable = #expect(throws: PersonalDataKeyError.self) {
            try PersonalDataKeys.load(environment: ["FENGQIAO_PII_KEYS_FILE": path])
        }
        #expect(unreadable?.code == .unreadableFile)
        #expect(unreadable?.description == "FENGQIAO_PII_KEYS_FILE (\(path)): cannot read the key file as UTF-8 text")

        let bad = #expect(throws: PersonalDataKeyError.self) {
            try PersonalDataKeys.load(environment: ["FENGQIAO_PII_KEYS": "current=k1;k1=\(Fixtures.key1)"])
        }
        #expect(bad?.description == "FENGQIAO_PII_KEYS: no lookup=<key> entry")
    }

    @Test(arguments: [
        ([:], PersonalDataKeyError.Code.notConfigured),
        (["FENGQIAO_PII_KEYS": "", "FENGQIAO_PII_KEYS_FILE": ""], .notConfigured),
        (["FENGQIAO_PII_KEYS": Fixtures.beforeRotation, "FENGQIAO_PII_KEYS_FILE": "/etc/fengqiao/pii.keys"], .configuredTwice),
    ] as [([String: String], PersonalDataKeyError.Code)])
    func exactlyOneVariable(_ environment: [String: String], _ code: PersonalDataKeyError.Code) {
        let error = #expect(throws: PersonalDataKeyError.self) { try PersonalDataKeys.load(environment: environment) }
        #expect(error?.code == code)
        #expect(error?.description.contains("FENGQIAO_PII_KEYS") == true)
    }
}
