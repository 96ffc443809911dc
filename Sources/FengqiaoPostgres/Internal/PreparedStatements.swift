#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One statement prepared on a connection.
final class PreparedStatement {
    /// The statement's text.
    let sql: String
    /// The parameters' declared types (the values are all NULL).
    let parameterTypes: PostgresBindings
    /// `PreparedStatements.hash(_:)` of the text.
    let hash: UInt64
    /// The name the server knows it by (NUL-terminated, owned here).
    let name: UnsafeMutablePointer<CChar>
    /// The columns of its last result, which the next result most likely has too.
    private var columns: PostgresColumns?
    /// The next statement whose hash falls in the same bucket.
    fileprivate var next: PreparedStatement?

    init(sql: String, parameterTypes: PostgresBindings, hash: UInt64, name: UnsafeMutablePointer<CChar>) {
        self.sql = sql
        self.parameterTypes = parameterTypes
        self.hash = hash
        self.name = name
    }

    deinit {
        free(name)
    }

    /// The columns of `result`, one of this statement's results: those of the last result when
    /// they are the same, else read from `result` and kept for the next one.
    func columns(of result: OpaquePointer) -> PostgresColumns {
        if let columns, columns.matches(result) { return columns }
        let fresh = PostgresColumns.of(result)
        columns = fresh
        return fresh
    }
}

/// The statements prepared on one connection, found by their text and parameter types.
///
/// A table of buckets chained through `PreparedStatement.next`, sized once for the most statements
/// a connection keeps, so it never grows. Only the text is hashed: the same text with other
/// parameter types is rare, and the types are compared on a match. The text comes from the
/// program, never from a request, so it is hashed with FNV-1a over 8-byte words, a few times
/// cheaper than hashing it as a `String` with a seeded hasher.
struct PreparedStatements {
    private var buckets: [PreparedStatement?]
    /// The number of statements held.
    private(set) var count = 0

    /// A table for up to about `limit` statements (more still work, in longer chains).
    init(limit: Int) {
        var size = 16
        while size < 2 * limit { size *= 2 }
        buckets = Array(repeating: nil, count: size)
    }

    /// The statement prepared for `query`'s text and parameter types, if any; `hash` is
    /// `Self.hash(query.sql)`.
    func find(_ query: PostgresQuery, hash: UInt64) -> PreparedStatement? {
        var candidate = buckets[bucket(hash)]
        while let statement = candidate {
            if statement.hash == hash, statement.sql == query.sql,
                statement.parameterTypes.hasSameTypes(as: query.bindings)
            {
                return statement
            }
            candidate = statement.next
        }
        return nil
    }

    /// Adds a statement that `find` did not find.
    mutating func insert(_ statement: PreparedStatement) {
        let index = bucket(statement.hash)
        statement.next = buckets[index]
        buckets[index] = statement
        count += 1
    }

    /// Forgets every statement (their names are freed with them).
    mutating func removeAll() {
        for index in buckets.indices { buckets[index] = nil }
        count = 0
    }

    private func bucket(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash ^ (hash >> 32)) & (buckets.count - 1)
    }

    /// FNV-1a of the text's UTF-8, 8 bytes at a time.
    static func hash(_ sql: String) -> UInt64 {
        sql.utf8.withContiguousStorageIfAvailable(fnv1a) ?? Array(sql.utf8).withUnsafeBufferPointer(fnv1a)
    }

    private static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var index = 0
        if let base = bytes.baseAddress {
            while index + 8 <= bytes.count {
                hash = (hash ^ UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) &* 0x0000_0100_0000_01B3
                index += 8
            }
        }
        while index < bytes.count {
            hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
            index += 1
        }
        return hash
    }
}
