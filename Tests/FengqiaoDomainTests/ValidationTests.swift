import FengqiaoDomain
import Testing

@Suite struct ValidationTests {
    @Test func textIsTrimmedAndLengthCountsCharacters() throws {
        var check = Validation()
        #expect(check.text("  枫桥派出所　", field: "name", maxLength: 5) == "枫桥派出所")
        #expect(check.isValid)
        check.text("枫桥派出所!", field: "name", maxLength: 5)
        #expect(check.violations == [FieldViolation(field: "name", description: "must be at most 5 characters")])
    }

    @Test(arguments: ["line\nbreak", "nul\u{0}char", "bell\u{7}", "tab\there"])
    func controlCharactersAreRefused(_ text: String) {
        var check = Validation()
        check.text(text, field: "note", maxLength: 100)
        #expect(check.violations.map(\.field) == ["note"])
    }

    @Test func multilineAllowsLineBreaksButNotNUL() {
        var check = Validation()
        check.text("first\nsecond", field: "description", maxLength: 100, multiline: true)
        #expect(check.isValid)
        check.text("bad\u{0}", field: "description", maxLength: 100, multiline: true)
        #expect(!check.isValid)
    }

    @Test func injectionTextIsJustText() {
        var check = Validation()
        let text = "x'); DROP TABLE registry.unit;--"
        #expect(check.text(text, field: "name", maxLength: 100) == text)
        #expect(check.isValid)
    }

    @Test func missingRequiredAndOptional() {
        var check = Validation()
        check.text("   ", field: "name", maxLength: 10)
        check.text("", field: "note", maxLength: 10, required: false)
        check.id(0, field: "parent_id")
        check.id(-3, field: "grid_id", required: false)
        check.code("QS 01", field: "code")
        check.location(latitude: 91, longitude: .nan, field: "location")
        #expect(check.violations.map(\.field) == ["name", "parent_id", "grid_id", "code", "location.latitude", "location.longitude"])
        #expect(throws: ValidationFailure.self) { try check.finish() }
    }

    @Test func nationalIDAndPhoneThroughValidation() {
        var check = Validation()
        #expect(check.nationalID("", field: "national_id") == nil)
        #expect(check.phone("", field: "phone") == nil)
        #expect(check.isValid)
        _ = check.nationalID("110105194912310021", field: "national_id")
        _ = check.phone("12345", field: "phone")
        #expect(check.violations == [
            FieldViolation(field: "national_id", description: "has a wrong check character"),
            FieldViolation(field: "phone", description: "must be an 11-digit mobile number starting with 13-19"),
        ])
    }

    @Test func paging() {
        var check = Validation()
        #expect(check.page(size: 0, token: "") == PageBounds(size: 50, after: 0))
        #expect(check.page(size: 20, token: PageToken(lastKey: 1234).text) == PageBounds(size: 20, after: 1234))
        #expect(check.isValid)
        _ = check.page(size: 501, token: "garbage")
        #expect(check.violations.map(\.field) == ["page.page_size", "page.page_token"])
        let bounds = PageBounds(size: 3, after: 0)
        #expect(bounds.nextToken(after: [4, 9, 7] as [Int64]) == PageToken(lastKey: 9).text)
        #expect(bounds.nextToken(after: [4, 9] as [Int64]) == "")
    }
}

@Suite struct CSVTests {
    @Test func quotedFieldsLineBreaksAndBOM() throws {
        let text = "\u{FEFF}name,note\r\n\"王, 小明\",\"说 \"\"你好\"\"\"\n李四,\"two\nlines\"\n\n赵六,\n"
        let records = try CSVReader.records(text)
        #expect(records.map(\.fields) == [["name", "note"], ["王, 小明", "说 \"你好\""], ["李四", "two\nlines"], ["赵六", ""]])
        #expect(records.map(\.number) == [1, 2, 3, 4])
        #expect(records.map(\.line) == [1, 2, 3, 6])
    }

    @Test(arguments: ["a,\"unclosed\n", "a,b\"c\n", "\"closed\"x,1\n"])
    func malformed(_ text: String) {
        #expect(throws: CSVReader.Malformed.self) { try CSVReader.records(text) }
    }

    @Test func writerRoundTrips() throws {
        let fields = ["plain", "with, comma", "with \"quote\"", "two\nlines", "枫桥"]
        let records = try CSVReader.records(CSVWriter.line(fields) + "\n")
        #expect(records.first?.fields == fields)
    }
}
