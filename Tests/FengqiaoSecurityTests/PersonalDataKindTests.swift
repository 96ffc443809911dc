import FengqiaoDomain
import FengqiaoSecurity
import Testing

@Suite struct PersonalDataKindTests {
    @Test(arguments: [
        (PersonalDataKind.nationalID, "11010519491231002X", "110105********002X"),
        (.nationalID, "110105194912310", "110105*****2310"),  // 15 characters: still six and four
        (.nationalID, "1234567890", "**********"),
        (.phone, "13812345678", "138****5678"),
        (.phone, "1381234", "1381234"),
        (.phone, "138123", "******"),
        (.phone, "", ""),
    ])
    func masks(_ kind: PersonalDataKind, _ text: String, _ masked: String) {
        #expect(kind.mask(text) == masked)
    }

    @Test func masksAsTheDomainTypesDo() throws {
        let id = try NationalIDNumber("11010519491231002X")
        let phone = try #require(MobilePhoneNumber("13812345678"))
        #expect(PersonalDataKind.nationalID.mask(id.rawValue) == id.masked)
        #expect(PersonalDataKind.phone.mask(phone.rawValue) == phone.masked)
    }

    @Test(arguments: [
        (PersonalDataKind.nationalID, " 11010519491231002x ", "11010519491231002X"),
        (.nationalID, "110105194912310021", nil),  // wrong check character
        (.phone, "+86 138-1234-5678", "13812345678"),
        (.phone, "12812345678", nil),
    ] as [(PersonalDataKind, String, String?)])
    func normalises(_ kind: PersonalDataKind, _ text: String, _ normalised: String?) {
        #expect(kind.normalise(text) == normalised)
    }

    @Test func rawValuesAreColumnStyle() {
        #expect(PersonalDataKind.allCases.map(\.rawValue) == ["national_id", "phone"])
    }
}
