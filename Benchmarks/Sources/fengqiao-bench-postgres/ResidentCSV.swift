#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of the residents file.
struct Resident {
    var id: Int64?
    var name: String?
    var phone: String?
    var registeredAt: Date?
    var active: Bool?
}

/// Why the residents file could not be read; says where, never what the line holds.
struct ResidentCSVError: Error, CustomStringConvertible {
    var line: Int
    var reason: String
    var description: String { "residents file, line \(line): \(reason)" }
}

/// Reads residents from CSV as PostgreSQL's `COPY … (FORMAT csv)` writes it: `,` between fields,
/// `"` quoting with `""` for a quote, an empty unquoted field for NULL, no header, LF or CRLF.
///
/// Columns: `id` (integer), `name`, `phone` (text), `registered_at` (`2024-03-05 12:34:56[.123456][+08[:00]]`,
/// UTC without a zone, as the benchmark's server is set), `active` (`t`/`f`, `true`/`false`, …).
enum ResidentCSV {
    static let columns = ["id", "name", "phone", "registered_at", "active"]

    fileprivate enum Field {
        case null
        case bytes(Range<Int>)
        case text(String)
    }

    /// Reads the file at `path` and calls `body` with each resident, in file order.
    static func read(path: String, _ body: (Resident) throws -> Void) throws {
        let contents = try readFile(path)
        try contents.withUnsafeBufferPointer { bytes in
            var reader = Reader(bytes: bytes)
            var fields: [Field] = []
            fields.reserveCapacity(columns.count)
            while !reader.atEnd {
                fields.removeAll(keepingCapacity: true)
                try reader.record(into: &fields)
                if fields.count == 1, case .null = fields[0] { continue }  // a blank line
                guard fields.count == columns.count else {
                    throw ResidentCSVError(line: reader.line - 1, reason: "\(fields.count) fields, expected \(columns.count)")
                }
                let line = reader.line - 1
                func fail(_ column: Int) -> ResidentCSVError {
                    ResidentCSVError(line: line, reason: "bad value in column \(columns[column])")
                }
                try body(
                    Resident(
                        id: try fields[0].map(bytes) { try integer($0) ?? { throw fail(0) }() },
                        name: fields[1].map(bytes) { String(decoding: $0, as: UTF8.self) },
                        phone: fields[2].map(bytes) { String(decoding: $0, as: UTF8.self) },
                        registeredAt: try fields[3].map(bytes) { try timestamp($0) ?? { throw fail(3) }() },
                        active: try fields[4].map(bytes) { try boolean($0) ?? { throw fail(4) }() }
                    ))
            }
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var line = 1

        var atEnd: Bool { position >= bytes.count }

        /// Reads the fields of one record and the line end after it.
        mutating func record(into fields: inout [Field]) throws {
            while true {
                fields.append(try field())
                guard position < bytes.count else { line += 1; return }
                switch bytes[position] {
                case UInt8(ascii: ","):
                    position += 1
                case UInt8(ascii: "\n"):
                    position += 1
                    line += 1
                    return
                case UInt8(ascii: "\r") where position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "\n"):
                    position += 2
                    line += 1
                    return
                default:
                    throw ResidentCSVError(line: line, reason: "unexpected character after a field")
                }
            }
        }

        private mutating func field() throws -> Field {
            let start = position
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
                    position += 1
                }
                return position == start ? .null : .bytes(start..<position)
            }
            position += 1
            var escaped: [UInt8]? = nil
            var runStart = position
            while true {
                guard position < bytes.count else { throw ResidentCSVError(line: line, reason: "unterminated quote") }
                let byte = bytes[position]
                if byte == UInt8(ascii: "\n") { line += 1 }
                if byte != UInt8(ascii: "\"") {
                    position += 1
                    continue
                }
                if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
                    escaped = (escaped ?? []) + bytes[runStart...position]  // keeps one quote
                    position += 2
                    runStart = position
                    continue
                }
                defer { position += 1 }
                guard var escaped else { return .bytes(start + 1..<position) }
                escaped += bytes[runStart..<position]
                return .text(String(decoding: escaped, as: UTF8.self))
            }
        }
    }

    // MARK: Values

    private static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var index = 0
        var negative = false
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") {
            negative = bytes[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < bytes.count else { return nil }
        var value: Int64 = 0
        while index < bytes.count {
            let digit = Int64(bytes[index]) - 48
            guard (0...9).contains(digit) else { return nil }
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(negative ? -digit : digit)
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return value
    }

    private static func boolean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        let text = String(decoding: bytes, as: UTF8.self).lowercased()
        switch text {
        case "t", "true", "y", "yes", "on", "1": return true
        case "f", "false", "n", "no", "off", "0": return false
        default: return nil
        }
    }

    /// `YYYY-MM-DD[ T]HH:MM:SS[.ffffff][(+|-)HH[:MM]]`; without a zone, UTC.
    private static func timestamp(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
                index += 1
            }
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect(" T"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var micros = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, (48...57).contains(bytes[index]) {
                if digits < 6 { micros = micros * 10 + Int(bytes[index]) - 48 }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { micros *= 10 }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            guard expect("+-"), let hours = number(2) else { return nil }
            var minutes = 0
            if index < bytes.count {
                _ = expect(":")
                guard let value = number(2) else { return nil }
                minutes = value
            }
            guard index == bytes.count else { return nil }
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
            - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1e6)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func readFile(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw ResidentCSVError(line: 0, reason: "cannot open \(path)") }
        defer { fclose(file) }
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count == 0 { break }
            contents += chunk[0..<count]
        }
        guard ferror(file) == 0 else { throw ResidentCSVError(line: 0, reason: "cannot read \(path)") }
        return contents
    }
}

extension ResidentCSV.Field {
    fileprivate func map<T>(_ bytes: UnsafeBufferPointer<UInt8>, _ transform: (UnsafeBufferPointer<UInt8>) throws -> T)
        rethrows -> T?
    {
        switch self {
        case .null: return nil
        case .bytes(let range): return try transform(UnsafeBufferPointer(rebasing: bytes[range]))
        case .text(let text):
            var copy = text
            return try copy.withUTF8 { try transform($0) }
        }
    }
}
