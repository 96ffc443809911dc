import ArgumentParser
import FengqiaoDomain
import FengqiaoMessages
import FengqiaoRPC
import Foundation

extension MediationV1.DisputeSource: ShortNamed {}
extension MediationV1.PartyRole: ShortNamed {}
extension MediationV1.RiskFlag: ShortNamed {}
extension MediationV1.DisputeStage: ShortNamed {}
extension MediationV1.HandlingLevel: ShortNamed {}
extension MediationV1.Department: ShortNamed {}
extension MediationV1.FailureReason: ShortNamed {}
extension MediationV1.FollowUpResult: ShortNamed {}
extension MediationV1.RelapseAction: ShortNamed {}

/// Reads an instant from an option, in Unix milliseconds.
///
/// Takes ISO 8601 with a zone (`2026-07-26T14:05:00+08:00`, `2026-07-26T06:05Z`), or a date and
/// time without one, read as China Standard Time (`2026-07-26 14:05`, seconds optional, a space or
/// `T` between). With `dayAllowed`, a bare date (`2026-07-26`) is midnight China Standard Time.
///
/// - Throws: `ValidationError` naming the option.
func parseInstant(_ text: String, option: String, dayAllowed: Bool = false) throws -> Int64 {
    let formats = dayAllowed ? "YYYY-MM-DD, YYYY-MM-DD HH:MM (China Standard Time)" : "YYYY-MM-DD HH:MM (China Standard Time)"
    let failure = ValidationError("\(option) must be \(formats) or ISO 8601 such as 2026-07-26T14:05:00+08:00, not \(text)")
    let characters = Array(text.trimmingCharacters(in: .whitespaces))
    guard characters.count >= 10, let day = CalendarDate(String(characters[0..<10])) else { throw failure }
    let dayStart = Int64(day.daysSinceUnixEpoch) * 86_400
    let chinaOffset: Int64 = 8 * 3600
    if characters.count == 10 {
        guard dayAllowed else { throw failure }
        return (dayStart - chinaOffset) * 1000
    }
    guard characters[10] == " " || characters[10] == "T" || characters[10] == "t" else { throw failure }
    var rest = characters[11...]

    func number(_ digits: Int) -> Int64? {
        guard rest.count >= digits, rest.prefix(digits).allSatisfy(\.isASCII), let value = Int64(String(rest.prefix(digits)))
        else { return nil }
        rest = rest.dropFirst(digits)
        return value
    }
    func skip(_ separator: Character) -> Bool {
        guard rest.first == separator else { return false }
        rest = rest.dropFirst()
        return true
    }

    guard let hour = number(2), hour < 24, skip(":"), let minute = number(2), minute < 60 else { throw failure }
    var second: Int64 = 0
    var millisecond: Int64 = 0
    if skip(":") {
        guard let value = number(2), value < 60 else { throw failure }
        second = value
        if skip(".") || skip(",") {
            let fraction = rest.prefix { $0.isASCII && $0.isNumber }
            guard !fraction.isEmpty else { throw failure }
            millisecond = Int64(String((String(fraction) + "00").prefix(3))) ?? 0
            rest = rest.dropFirst(fraction.count)
        }
    }
    var offset = chinaOffset
    if skip("Z") || skip("z") {
        offset = 0
    } else if let sign = rest.first, sign == "+" || sign == "-" {
        rest = rest.dropFirst()
        guard let hours = number(2), hours <= 14 else { throw failure }
        _ = skip(":")
        guard let minutes = number(2), minutes < 60 else { throw failure }
        offset = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
    }
    guard rest.isEmpty else { throw failure }
    return (dayStart + hour * 3600 + minute * 60 + second - offset) * 1000 + millisecond
}

/// Reads a `key=value,key=value` description from a repeatable option such as `--party`.
///
/// Keys are matched without regard to case, `_` or `-`; a value runs to the next comma, so it
/// cannot hold one. `number` (1 for the first) names the occurrence in errors, which never repeat
/// the values: they may be personal data.
///
/// - Throws: `ValidationError` for a part without `=`, an unknown or repeated key, or a missing
///   required key.
func parseDescription(
    _ text: String, option: String, number: Int, keys: [String], required: [String]
) throws -> [String: String] {
    let name = "\(option) #\(number)"
    var values: [String: String] = [:]
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let trimmed = part.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { continue }
        guard let equals = trimmed.firstIndex(of: "=") else {
            throw ValidationError("\(name): each part must be key=value (keys: \(keys.joined(separator: ", ")))")
        }
        let key = trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-")
        guard keys.contains(key) else {
            throw ValidationError("\(name): unknown key \"\(key)\"; keys are \(keys.joined(separator: ", "))")
        }
        guard values[key] == nil else { throw ValidationError("\(name): \(key) is given twice") }
        values[key] = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
    }
    for key in required where (values[key] ?? "").isEmpty {
        throw ValidationError("\(name): \(key)= is required")
    }
    return values
}

/// A positive id from a `key=value` description, or 0 when the key is absent.
func descriptionID(_ values: [String: String], _ key: String, option: String, number: Int) throws -> Int64 {
    guard let text = values[key] else { return 0 }
    guard let id = Int64(text), id > 0 else { throw ValidationError("\(option) #\(number): \(key) must be a positive id") }
    return id
}

/// Reads a party from `--party`: `name=刘某,role=applicant,phone=…,national-id=…,resident=301,person=12`.
func parseParty(_ text: String, number: Int) throws -> MediationV1.PartyInput {
    let option = "--party"
    let values = try parseDescription(
        text, option: option, number: number, keys: ["name", "role", "phone", "national-id", "resident", "person"],
        required: ["name", "role"])
    return MediationV1.PartyInput(
        name: values["name"] ?? "",
        role: try parseEnum(values["role"] ?? "", as: MediationV1.PartyRole.self, option: "\(option) #\(number): role"),
        phone: values["phone"] ?? "",
        nationalID: values["national-id"] ?? "",
        residentID: try descriptionID(values, "resident", option: option, number: number),
        personID: try descriptionID(values, "person", option: option, number: number))
}

/// Reads a co-mediator from `--co`: `person=30,role=five-elders,org=平川法庭`.
func parseCoMediator(_ text: String, number: Int) throws -> MediationV1.CoMediatorInput {
    let option = "--co"
    let values = try parseDescription(
        text, option: option, number: number, keys: ["person", "role", "org", "organisation"], required: ["person", "role"])
    if values["org"] != nil && values["organisation"] != nil {
        throw ValidationError("\(option) #\(number): give org= or organisation=, not both")
    }
    return MediationV1.CoMediatorInput(
        personID: try descriptionID(values, "person", option: option, number: number),
        role: try parseEnum(values["role"] ?? "", as: RegistryV1.MediationForce.self, option: "\(option) #\(number): role"),
        organisation: values["org"] ?? values["organisation"] ?? "")
}

/// Checks a dispute level given on the command line: 1 (simplest) to 5 (gravest).
func checkLevel(_ level: Int32, option: String) throws {
    guard (1...5).contains(level) else { throw ValidationError("\(option) must be a level from 1 to 5, not \(level)") }
}

/// Checks an id given on the command line.
func checkID(_ id: Int64?, option: String) throws {
    if let id, id <= 0 { throw ValidationError("\(option) must be a positive id, not \(id)") }
}

/// Why a dispute command stopped after reading the dispute, printed as one line with exit status 1.
struct DisputeCommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension MediationV1.Mediation.Client {
    /// The version to send as `expected_version`: `given`, else the dispute's version as it stands now.
    ///
    /// Reading it here gives up the lost-update check for convenience: a change made since the caller
    /// last looked is silently built on.
    func expectedVersion(_ given: Int64?, of id: Int64, _ options: CallOptions) async throws -> Int64 {
        if let given { return given }
        return try await getDispute(.init(id: id), options).dispute?.version ?? 0
    }
}
