import FengqiaoDomain
import Testing

@Suite struct NationalIDTests {
    // Check characters computed separately with ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11);
    // the first is the example printed in GB 11643-1999 itself.
    @Test(arguments: ["11010519491231002X", "440304199001011233", "330681198503150013", "510100197808088883", "360881199211200411"])
    func validNumbers(_ text: String) throws {
        let number = try NationalIDNumber(text)
        #expect(number.rawValue == text)
    }

    @Test func lowerCaseXIsStoredUpperCase() throws {
        #expect(try NationalIDNumber("11010519491231002x").rawValue == "11010519491231002X")
    }

    @Test(arguments: [
        ("110105194912310021", NationalIDNumber.Problem.checkCharacter),  // X expected
        ("440304199001011234", .checkCharacter),
        ("11010519491231002", .length),
        ("1101051949123100211", .length),
        ("11010519491231A02X", .characters),
        ("01010519491231002X", .characters),  // no area code starts with 0
        ("110105194902300021", .birthDate),  // 30 February
        ("110105180001010021", .birthDate),  // before 1850
        ("１１０１０５１９４９１２３１００２Ｘ", .characters),  // full-width digits
    ])
    func invalidNumbers(_ text: String, _ problem: NationalIDNumber.Problem) {
        #expect(throws: problem) { try NationalIDNumber(text) }
    }

    @Test func birthDateInTheFutureIsRefused() {
        // Valid check character for a 2030 birth date: 1101052030010100 1 + check, computed by hand:
        // digits 1 1 0 1 0 5 2 0 3 0 0 1 0 1 0 0 1 × weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
        // = 7+9+0+5+0+20+4+0+18+0+0+9+0+5+0+0+2 = 79; 79 mod 11 = 2; (12 - 2) mod 11 = 10 → X.
        #expect(throws: NationalIDNumber.Problem.birthDate) {
            try NationalIDNumber("11010520300101001X", today: CalendarDate(year: 2026, month: 11, day: 23))
        }
        #expect((try? NationalIDNumber("11010520300101001X")) != nil)
    }

    @Test func maskingAndDescription() throws {
        let number = try NationalIDNumber("11010519491231002X")
        #expect(number.masked == "110105********002X")
        #expect("\(number)" == "110105********002X")
        #expect(number.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
    }

    @Test(arguments: [
        ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("+8613812345678", "13812345678"),
        ("8619912345678", "19912345678"),
    ])
    func validPhones(_ text: String, _ digits: String) throws {
        let phone = try #require(MobilePhoneNumber(text))
        #expect(phone.rawValue == digits)
    }

    @Test(arguments: ["12812345678", "1381234567", "138123456789", "0571-8888888", "１３８１２３４５６７８", ""])
    func invalidPhones(_ text: String) {
        #expect(MobilePhoneNumber(text) == nil)
    }

    @Test func phoneMasking() throws {
        #expect(try #require(MobilePhoneNumber("13812345678")).masked == "138****5678")
        #expect("\(try #require(MobilePhoneNumber("13812345678")))" == "138****5678")
    }
}

@Suite struct CalendarDateTests {
    // Day counts from 1970-01-01 worked out by hand: 2000-03-01 is 30 years (7 leap: 72,76,…,96)
    // = 10957 days to 2000-01-01, plus 31 + 29 = 11017.
    @Test(arguments: [
        (1970, 1, 1, 0), (1969, 12, 31, -1), (2000, 1, 1, 10_957), (2000, 3, 1, 11_017), (2026, 11, 23, 20_780),
    ])
    func daysSinceEpoch(year: Int, month: Int, day: Int, days: Int) throws {
        let date = try #require(CalendarDate(year: year, month: month, day: day))
        #expect(date.daysSinceUnixEpoch == days)
        #expect(CalendarDate(daysSinceUnixEpoch: days) == date)
    }

    @Test(arguments: ["2024-02-29", "2000-02-29", "1999-12-31"])
    func validText(_ text: String) throws {
        #expect(try #require(CalendarDate(text)).description == text)
    }

    @Test(arguments: ["2023-02-29", "1900-02-29", "2024-13-01", "2024-1-01", "20240101", "2024-04-31", ""])
    func invalidText(_ text: String) {
        #expect(CalendarDate(text) == nil)
    }

    @Test func addingDays() throws {
        let agreed = try #require(CalendarDate("2026-11-23"))
        #expect(agreed.adding(days: 7).description == "2026-11-30")
        #expect(agreed.adding(days: 30).description == "2026-12-23")
        #expect(agreed.adding(days: 39).description == "2027-01-01")
    }
}
