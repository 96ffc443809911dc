/// Where the next page of a keyset-paged list starts: the last key of the previous page.
///
/// The token is opaque to clients (`k1.<key>` in base-36 digits); a token that does not read back
/// is refused as INVALID_ARGUMENT on `page.page_token`.
public struct PageToken: Hashable, Sendable {
    /// The key of the last row already returned.
    public var lastKey: Int64

    public init(lastKey: Int64) {
        self.lastKey = lastKey
    }

    /// The text form.
    public var text: String { "k1." + String(lastKey, radix: 36) }

    /// Reads a token; `nil` when it is malformed.
    public init?(text: String) {
        guard text.hasPrefix("k1."), let key = Int64(text.dropFirst(3), radix: 36), key >= 0 else { return nil }
        self.lastKey = key
    }
}

/// A page request after validation: how many rows, and after which key.
public struct PageBounds: Hashable, Sendable {
    /// Rows per page.
    public var size: Int
    /// Only rows with a key above this one; 0 for the first page.
    public var after: Int64

    /// The default page size.
    public static let defaultSize = 50
    /// The largest page size.
    public static let maximumSize = 500

    public init(size: Int, after: Int64) {
        self.size = size
        self.after = after
    }

    /// The token for the page after one that returned `keys`, or an empty string when that page
    /// was the last (it held fewer rows than asked for).
    public func nextToken<Keys: Collection>(after keys: Keys) -> String where Keys.Element == Int64 {
        guard keys.count >= size, let last = keys.max() else { return "" }
        return PageToken(lastKey: last).text
    }
}

extension Validation {
    /// Checks a page size and token; a size of 0 means the default.
    public mutating func page(size: UInt32, token: String, field: String = "page") -> PageBounds {
        var bounds = PageBounds(size: PageBounds.defaultSize, after: 0)
        if size > PageBounds.maximumSize {
            fail(field + ".page_size", "must be at most \(PageBounds.maximumSize)")
        } else if size > 0 {
            bounds.size = Int(size)
        }
        if !token.isEmpty {
            if let parsed = PageToken(text: token) {
                bounds.after = parsed.lastKey
            } else {
                fail(field + ".page_token", "is not a token this service issued")
            }
        }
        return bounds
    }
}
