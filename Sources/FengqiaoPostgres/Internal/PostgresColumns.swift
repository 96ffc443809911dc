import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The names and types of a result's columns, read from libpq once per prepared statement.
///
/// A prepared statement's column types do not change between executions (the server refuses to
/// run it when its result type would), so the results of a statement share one `PostgresColumns`
/// (see `PreparedStatement.columns(of:)`): finding a column by name compares Swift strings instead
/// of building a `String` from libpq's name for every column passed over, and a column's type is
/// read without a call into libpq. Each result is still checked against it in one pass
/// (`matches(_:)`), so a column renamed under a `SELECT *`, which newer servers allow, gets fresh
/// names rather than stale ones.
final class PostgresColumns: Sendable {
    /// The column names, in order.
    let names: [String]
    /// The column types, in order.
    let types: [PostgresDataType]
    /// libpq's names as NUL-terminated strings, back to back, to compare a result's names with.
    private let cNames: [CChar]
    /// Where each name starts in `cNames`.
    private let cNameStarts: [Int]
    /// The first column of each name, for results too wide to search from the start.
    private let firstIndex: [String: Int]

    /// Up to this many columns a name is found by comparing it with each name in turn.
    static let linearSearchLimit = 16

    /// The columns of results that have none (commands without `RETURNING`).
    static let none = PostgresColumns(result: nil)

    var count: Int { names.count }

    private init(result: OpaquePointer?) {
        let count = result.map { Int(PQnfields($0)) } ?? 0
        var names: [String] = []
        var types: [PostgresDataType] = []
        var cNames: [CChar] = []
        var cNameStarts: [Int] = []
        names.reserveCapacity(count)
        types.reserveCapacity(count)
        cNameStarts.reserveCapacity(count)
        if let result {
            for column in 0..<count {
                let field = Int32(column)
                let name = PQfname(result, field)
                names.append(name.map { String(cString: $0) } ?? "")
                types.append(PostgresDataType(oid: PQftype(result, field)))
                cNameStarts.append(cNames.count)
                if let name {
                    cNames.append(contentsOf: UnsafeBufferPointer(start: name, count: strlen(name)))
                }
                cNames.append(0)
            }
        }
        var firstIndex: [String: Int] = [:]
        if count > Self.linearSearchLimit {
            for (column, name) in names.enumerated() where firstIndex[name] == nil {
                firstIndex[name] = column
            }
        }
        self.names = names
        self.types = types
        self.cNames = cNames
        self.cNameStarts = cNameStarts
        self.firstIndex = firstIndex
    }

    /// The columns of `result`.
    static func of(_ result: OpaquePointer) -> PostgresColumns {
        PQnfields(result) == 0 ? .none : PostgresColumns(result: result)
    }

    /// Whether `result` has exactly these columns: the same names and types, in the same order.
    func matches(_ result: OpaquePointer) -> Bool {
        guard Int(PQnfields(result)) == names.count else { return false }
        return cNames.withUnsafeBufferPointer { cNames in
            for column in 0..<types.count {
                let field = Int32(column)
                guard PQftype(result, field) == types[column].oid, let name = PQfname(result, field),
                    strcmp(name, cNames.baseAddress! + cNameStarts[column]) == 0
                else { return false }
            }
            return true
        }
    }

    /// The first column named exactly `name` (no case folding), if any.
    func index(of name: String) -> Int? {
        if names.count > Self.linearSearchLimit { return firstIndex[name] }
        for column in names.indices where names[column] == name { return column }
        return nil
    }
}
