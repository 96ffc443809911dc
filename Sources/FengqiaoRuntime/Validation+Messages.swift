import FengqiaoDomain
import FengqiaoMessages
import FengqiaoProtobuf

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Validation {
    /// Checks an optional wire date; returns it, or `nil` when absent.
    public mutating func date(_ value: CommonV1.Date?, field: String) -> CalendarDate? {
        guard let value else { return nil }
        guard let date = CalendarDate(value) else {
            fail(field, "is not a valid date")
            return nil
        }
        return date
    }

    /// Checks an optional wire location.
    public mutating func location(_ value: CommonV1.GeoPoint?, field: String) {
        if let value { location(latitude: value.latitude, longitude: value.longitude, field: field) }
    }

    /// Checks a page request.
    public mutating func page(_ value: CommonV1.PageRequest?, field: String = "page") -> PageBounds {
        page(size: value?.pageSize ?? 0, token: value?.pageToken ?? "", field: field)
    }

    /// Checks that an enum holds a known, specified value.
    public mutating func known<E: ProtobufEnum>(_ value: E, field: String) where E: RawRepresentable {
        if value.rawValue == 0 || !E.allCases.contains(value) {
            fail(field, "is required (one of the values in the .proto)")
        }
    }
}

extension CommonV1.Date {
    /// The wire form of a calendar date.
    public init(_ date: CalendarDate) {
        self.init(year: Int32(date.year), month: Int32(date.month), day: Int32(date.day))
    }
}

extension CalendarDate {
    /// The calendar date a wire date names, or `nil` when it is not a real date.
    public init?(_ date: CommonV1.Date) {
        self.init(year: Int(date.year), month: Int(date.month), day: Int(date.day))
    }

    /// Today in China Standard Time (UTC+8, no daylight saving), where the bureau works.
    public static func todayInChina(now: Date = Date()) -> CalendarDate {
        let seconds = Int((now.timeIntervalSince1970 + 8 * 3600).rounded(.down))
        return CalendarDate(daysSinceUnixEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }
}
