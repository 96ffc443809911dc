import FengqiaoDomain
import FengqiaoMessages
import FengqiaoPostgres
import FengqiaoSecurity
import FengqiaoTestSupport
import Foundation
import RegistryService
import Testing

/// National ID numbers and phone numbers at rest: sealed, hashed for lookup, masked in answers,
/// sealed on upgrade and resealed on rotation.
@Suite struct PersonalDataTests {
    static let idNumber = "11010519491231002X"
    static let phone = "13812345678"
    // HMAC-SHA256(HMAC-SHA256(lookup key, "fengqiao.lookup.v1:<kind>"), value), computed with Python's
    // hmac module from the test key ring's lookup key.
    static let idNumberHash = "c97dab7826705b203ac27a924e22048791f2de399eed41758068a819c753dc6f"
    static let phoneHash = "8795c8b59770aeadbbcee3031421fab22791392a5c676e3210d9bf99a638126e"

    func hex(_ data: Data?) -> String? {
        data.map { $0.map { String(format: "%02x", $0) }.joined() }
    }

    /// A station with a village, on a fresh registry database.
    func withVillage(_ body: (PostgresPool, _ village: RegistryV1.Unit) async throws -> Void) async throws {
        try await withMigratedRegistry { pool in
            let units = UnitStore(pool: pool)
            let bureau = try await units.create(.init(code: "QS", name: "青山县公安局", kind: .bureau, parentID: nil, location: nil))
            let station = try await units.create(.init(code: "QS-FQ", name: "枫桥派出所", kind: .station, parentID: bureau.id, location: nil))
            let village = try await units.create(.init(code: "QS-FQ-V1", name: "枫源村", kind: .village, parentID: station.id, location: nil))
            try await body(pool, village)
        }
    }

    @Test func storedSealedAnsweredMaskedFoundByHash() async throws {
        try await withVillage { pool, village in
            let residents = ResidentStore(pool: pool, personal: testPersonalData)
            let resident = try await residents.register(.init(
                name: "陈阿姨", kind: .registered, nationalID: try NationalIDNumber(Self.idNumber), phone: MobilePhoneNumber(Self.phone),
                householdID: nil, unitID: village.id, movedIn: nil))
            #expect(resident.nationalID == "110105********002X")
            #expect(resident.phone == "138****5678")

            // At rest: sealed under k1, never the value itself; the hash beside it is the keyed hash.
            let row = try #require(try await pool.queryFirst(
                "SELECT national_id, national_id_hash, phone, phone_hash FROM registry.resident WHERE id = \(resident.id)"))
            let storedID = try row.decode(String.self, column: "national_id")
            let storedPhone = try row.decode(String.self, column: "phone")
            #expect(storedID.hasPrefix("v1:k1:") && storedPhone.hasPrefix("v1:k1:"))
            #expect(!storedID.contains(Self.idNumber) && !storedPhone.contains(Self.phone))
            #expect(!storedID.contains("1101051949") && !storedPhone.contains("13812"))
            #expect(hex(try row.decode(Data.self, column: "national_id_hash")) == Self.idNumberHash)
            #expect(hex(try row.decode(Data.self, column: "phone_hash")) == Self.phoneHash)

            // Exact-match lookups by hash; another number finds nobody.
            let page = PageBounds(size: 10, after: 0)
            let byID = try await residents.list(
                unitID: 0, kind: nil, includeMovedOut: false, nameContains: "", nationalID: try NationalIDNumber(Self.idNumber), page: page)
            #expect(byID.residents.map(\.id) == [resident.id])
            let byPhone = try await residents.list(
                unitID: 0, kind: nil, includeMovedOut: false, nameContains: "", phone: MobilePhoneNumber("138 1234 5678"), page: page)
            #expect(byPhone.residents.map(\.id) == [resident.id])
            let nobody = try await residents.list(
                unitID: 0, kind: nil, includeMovedOut: false, nameContains: "", phone: MobilePhoneNumber("13812345679"), page: page)
            #expect(nobody.residents.isEmpty)

            // The ID number stays a natural key through its hash.
            let again = try await #require(throws: RegistryError.self) {
                try await residents.register(.init(
                    name: "另一人", kind: .floating, nationalID: try NationalIDNumber(Self.idNumber), phone: nil,
                    householdID: nil, unitID: village.id, movedIn: nil))
            }
            #expect(again.code == .alreadyExists && again.field == "national_id")

            // The full value only through the reveal path.
            let reveal = PersonalDataStore(pool: pool, personal: testPersonalData)
            #expect(try await reveal.reveal(.nationalID, of: .resident(resident.id)) == Self.idNumber)
            #expect(try await reveal.reveal(.phone, of: .resident(resident.id)) == Self.phone)
            let missing = try await #require(throws: RegistryError.self) { try await reveal.reveal(.phone, of: .person(resident.id + 1000)) }
            #expect(missing.code == .notFound && missing.field == "person_id")
        }
    }

    @Test func theDatabaseRefusesValuesInClear() async throws {
        try await withVillage { pool, village in
            let error = try await #require(throws: PostgresError.self) {
                try await pool.execute(
                    "INSERT INTO registry.resident (name, kind, national_id, unit_id) VALUES ('明文', 'registered', \(Self.idNumber), \(village.id))")
            }
            #expect(error.serverInfo?.constraintName == "resident_national_id_sealed")
            let phone = try await #require(throws: PostgresError.self) {
                try await pool.execute(
                    "INSERT INTO registry.person (name, kinds, home_unit_id, phone) VALUES ('明文', '{volunteer}', \(village.id), \(Self.phone))")
            }
            #expect(phone.serverInfo?.constraintName == "person_phone_sealed")
        }
    }

    @Test func anUpgradeSealsWhatWasStoredInClear() async throws {
        try await TestPostgres.withFreshDatabase { configuration in
            let pool = PostgresPool(configuration: configuration, options: .init(maximumConnections: 2), logger: TestPostgres.testLogger())
            defer { Task { await pool.close() } }
            // The registry as it was before personal data was sealed: migrations 1 and 2.
            let all = try RegistryDatabase.migrations()
            try await PostgresMigrator(schema: "registry", migrations: all.filter { $0.version <= 2 }).migrate(on: pool, logger: TestPostgres.testLogger())
            let units = UnitStore(pool: pool)
            let bureau = try await units.create(.init(code: "QS", name: "青山县公安局", kind: .bureau, parentID: nil, location: nil))
            let station = try await units.create(.init(code: "QS-FQ", name: "枫桥派出所", kind: .station, parentID: bureau.id, location: nil))
            let village = try await units.create(.init(code: "QS-V", name: "枫源村", kind: .village, parentID: station.id, location: nil))
            try await pool.execute(
                """
                INSERT INTO registry.person (name, kinds, home_unit_id, phone, national_id)
                VALUES ('老王', '{volunteer}', \(village.id), \(Self.phone), \(Self.idNumber)), ('小李', '{volunteer}', \(village.id), '', NULL)
                """)
            try await pool.execute(
                "INSERT INTO registry.resident (name, kind, national_id, phone, unit_id) VALUES ('陈阿姨', 'registered', \(Self.idNumber), '', \(village.id))")

            try await RegistryDatabase.migrate(on: pool, logger: TestPostgres.testLogger())
            let counts = try await testPersonalData.sealStoredValues(on: pool, logger: TestPostgres.testLogger())
            #expect(counts.sealed == 3 && counts.resealed == 0)  // two in 老王's row, one in 陈阿姨's

            let clear = try await pool.queryValue(
                """
                SELECT count(*) FROM (SELECT national_id, phone FROM registry.person UNION ALL SELECT national_id, phone FROM registry.resident) v
                WHERE national_id NOT LIKE 'v1:%' OR phone NOT LIKE 'v1:%'
                """, as: Int.self)
            #expect(clear == 0)
            let people = try await PersonStore(pool: pool, personal: testPersonalData).list(
                unitID: 0, kind: nil, includeInactive: true, nameContains: "", page: PageBounds(size: 10, after: 0)).people
            #expect(people.map(\.nationalID) == ["110105********002X", ""])
            #expect(people.map(\.phone) == ["138****5678", ""])
            let hash = try await pool.queryValue("SELECT national_id_hash FROM registry.resident", as: Data.self)
            #expect(hex(hash) == Self.idNumberHash)

            // Once sealed, the checks hold for every row, old ones included.
            try await pool.execute("ALTER TABLE registry.person VALIDATE CONSTRAINT person_national_id_sealed")
            try await pool.execute("ALTER TABLE registry.resident VALIDATE CONSTRAINT resident_phone_sealed")
            // A second start finds nothing to do.
            let second = try await testPersonalData.sealStoredValues(on: pool, logger: TestPostgres.testLogger())
            #expect(second.sealed == 0 && second.resealed == 0)
        }
    }

    @Test func rotatingTheKeyResealsEverythingAndKeepsTheHashes() async throws {
        try await withVillage { pool, village in
            let people = PersonStore(pool: pool, personal: testPersonalData)
            let person = try await people.register(.init(
                name: "李国钢", kinds: [.officer], homeUnitID: village.id, phone: MobilePhoneNumber(Self.phone),
                nationalID: try NationalIDNumber(Self.idNumber)))
            let before = try await pool.queryValue("SELECT national_id_hash FROM registry.person WHERE id = \(person.id)", as: Data.self)

            // k2 becomes current; k1 stays in the ring until every value is resealed.
            let k2 = PersonalDataKeys.generateKey()
            let rotated = try PersonalDataKeys(
                configuration: TestPersonalData.keys.replacingOccurrences(of: "current=k1", with: "current=k2") + ";k2=\(k2)")
            let rotatedColumns = PersonalDataColumns(cipher: PersonalDataCipher(keys: rotated))
            let counts = try await rotatedColumns.sealStoredValues(on: pool, logger: TestPostgres.testLogger())
            #expect(counts.sealed == 0 && counts.resealed == 2)
            let stored = try await pool.queryValue("SELECT national_id FROM registry.person WHERE id = \(person.id)", as: String.self)
            #expect(stored.hasPrefix("v1:k2:"))
            #expect(try await pool.queryValue("SELECT national_id_hash FROM registry.person WHERE id = \(person.id)", as: Data.self) == before)

            // Now k1 can go: a ring of k2 alone reads everything.
            let lookup = TestPersonalData.keys.split(separator: ";").first { $0.hasPrefix("lookup=") }!
            let k2Only = PersonalDataColumns(cipher: PersonalDataCipher(keys: try PersonalDataKeys(configuration: "current=k2;k2=\(k2);\(lookup)")))
            #expect(try await PersonalDataStore(pool: pool, personal: k2Only).reveal(.phone, of: .person(person.id)) == Self.phone)

            // A ring that lacks a key still in use stops the start-up, naming the key.
            let wrong = PersonalDataColumns(cipher: PersonalDataCipher(keys: try PersonalDataKeys(
                configuration: "current=k3;k3=\(PersonalDataKeys.generateKey());\(lookup)")))
            let error = try await #require(throws: PersonalDataError.self) {
                _ = try await wrong.sealStoredValues(on: pool, logger: TestPostgres.testLogger())
            }
            #expect("\(error)".contains("k2"))
        }
    }
}
