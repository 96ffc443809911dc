import FengqiaoMessages

/// Every row of a paged list: calls `page` with each page's token until the last page.
///
/// ```swift
/// let units = try await allPages { page in
///     let answer = try await registry.listUnits(.init(parentID: id, page: page), options)
///     return (answer.units, answer.page?.nextPageToken ?? "")
/// }
/// ```
public func allPages<Row>(_ page: (CommonV1.PageRequest) async throws -> (rows: [Row], next: String)) async throws -> [Row] {
    try await somePages(limit: 0, page)
}

/// The first `limit` rows of a paged list (every row when `limit` is 0), asking for no more than it needs.
public func somePages<Row>(limit: Int, _ page: (CommonV1.PageRequest) async throws -> (rows: [Row], next: String)) async throws -> [Row] {
    var rows: [Row] = []
    var token = ""
    repeat {
        let size = limit > 0 ? min(500, limit - rows.count) : 500
        let answer = try await page(CommonV1.PageRequest(pageSize: UInt32(size), pageToken: token))
        rows += answer.rows
        token = answer.next
    } while !token.isEmpty && (limit == 0 || rows.count < limit)
    return limit > 0 ? Array(rows.prefix(limit)) : rows
}
