/// Writes rows for `COPY … FROM STDIN (FORMAT binary)`, sending them to the server in chunks.
///
/// The layout is PostgreSQL's binary COPY format: a signature and two zero words, then per row a
/// 16-bit field count and per field a 32-bit length (-1 for NULL) and the value's binary bytes,
/// and a trailer of -1. Values are encoded exactly as statement parameters are.
public struct PostgresCopyWriter {
    private var buffer: [UInt8] = []
    private let columnCount: Int
    private let send: ([UInt8]) throws -> Void
    /// The rows appended so far.
    public private(set) var rowCount = 0

    /// Bytes gathered before a chunk goes to the server.
    static let chunkSize = 256 * 1024

    static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]

    init(columnCount: Int, send: @escaping ([UInt8]) throws -> Void) {
        self.columnCount = columnCount
        self.send = send
        buffer.reserveCapacity(Self.chunkSize + 4096)
        buffer.append(contentsOf: Self.signature)
        buffer.appendBigEndian(UInt32(0))  // flags
        buffer.appendBigEndian(UInt32(0))  // header extension length
    }

    /// Appends one row; give exactly one value per column, in column order (`nil` for NULL).
    ///
    /// - Throws: `PostgresError.copyFailed` when the number of values is wrong, or the error of a
    ///   failed send.
    public mutating func append<each Value: PostgresEncodable>(_ values: repeat (each Value)?) throws {
        var fields = 0
        for _ in repeat each values { fields += 1 }
        guard fields == columnCount else {
            throw PostgresError(.copyFailed, "row \(rowCount + 1) has \(fields) values for \(columnCount) columns")
        }
        buffer.appendBigEndian(Int16(fields))
        for value in repeat each values {
            appendField(value)
        }
        rowCount += 1
        if buffer.count >= Self.chunkSize {
            try flush()
        }
    }

    private mutating func appendField<Value: PostgresEncodable>(_ value: Value?) {
        guard let value else {
            buffer.appendBigEndian(Int32(-1))
            return
        }
        let lengthAt = buffer.count
        buffer.appendBigEndian(Int32(0))
        value.encode(into: &buffer)
        let length = Int32(buffer.count - lengthAt - 4)
        withUnsafeBytes(of: length.bigEndian) { bytes in
            for index in 0..<4 { buffer[lengthAt + index] = bytes[index] }
        }
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try send(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func finish() throws {
        buffer.appendBigEndian(Int16(-1))
        try flush()
    }

    /// The COPY statement for a table and its columns, with the identifiers quoted.
    static func statement(table: String, columns: [String]) -> String {
        let name = table.split(separator: ".", omittingEmptySubsequences: false).map { quoteIdentifier(String($0)) }
        let list = columns.map(quoteIdentifier).joined(separator: ", ")
        return "COPY \(name.joined(separator: ".")) (\(list)) FROM STDIN (FORMAT binary)"
    }
}

/// Quotes an SQL identifier (`a"b` → `"a""b"`), so a name can never end the identifier early.
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
