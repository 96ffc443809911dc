/// Reads CSV text by RFC 4180: fields separated by commas, records by CRLF or LF; a field in
/// double quotes may hold commas, line breaks and doubled quotes (`""`). A UTF-8 byte-order mark at
/// the start is skipped. Records are numbered from 1 (the header, when there is one, is record 1).
///
/// ```swift
/// var reader = CSVReader(text)
/// while let record = try reader.next() { print(record.number, record.fields) }
/// ```
public struct CSVReader: Sendable {
    /// One record and where it started.
    public struct Record: Hashable, Sendable {
        /// 1 for the first record of the text.
        public var number: Int
        /// The line of the text where it starts, from 1.
        public var line: Int
        public var fields: [String]
    }

    /// Malformed CSV, with the line where it was found.
    public struct Malformed: Error, Hashable, Sendable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    private var recordNumber = 0

    public init(_ text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        self.scalars = scalars
    }

    /// The next record, or `nil` at the end. Blank lines are skipped.
    public mutating func next() throws(Malformed) -> Record? {
        while position < scalars.count, scalars[position] == "\n" || scalars[position] == "\r" {
            if scalars[position] == "\n" { line += 1 }
            position += 1
        }
        guard position < scalars.count else { return nil }
        let startLine = line
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        var atFieldStart = true
        var afterClosingQuote = false
        while position < scalars.count {
            let scalar = scalars[position]
            position += 1
            if quoted {
                if scalar == "\"" {
                    if position < scalars.count, scalars[position] == "\"" {
                        field.append("\"")
                        position += 1
                    } else {
                        quoted = false
                        afterClosingQuote = true
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
            case "\"":
                throw Malformed(line: line, reason: "a quote inside an unquoted field")
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                atFieldStart = true
                afterClosingQuote = false
            case "\r":
                if position < scalars.count, scalars[position] == "\n" { continue }
                return finish(&fields, field, startLine)
            case "\n":
                line += 1
                return finish(&fields, field, startLine)
            default:
                if afterClosingQuote {
                    throw Malformed(line: line, reason: "text after a closing quote")
                }
                field.append(scalar)
                atFieldStart = false
            }
        }
        if quoted { throw Malformed(line: startLine, reason: "a quoted field is not closed") }
        return finish(&fields, field, startLine)
    }

    private mutating func finish(_ fields: inout [String], _ field: String.UnicodeScalarView, _ startLine: Int) -> Record {
        fields.append(String(field))
        recordNumber += 1
        return Record(number: recordNumber, line: startLine, fields: fields)
    }

    /// Every record of a text.
    public static func records(_ text: String) throws(Malformed) -> [Record] {
        var reader = CSVReader(text)
        var records: [Record] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }
}

/// Writes CSV fields, quoting those that need it.
public enum CSVWriter {
    /// One record's line (without the line break).
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + field.replacingAll("\"", with: "\"\"") + "\""
            }
            return field
        }.joined(separator: ",")
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
