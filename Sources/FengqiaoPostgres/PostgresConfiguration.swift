import CLibPQ

/// Where and how to connect: a URL or a libpq connection string, read by libpq itself.
///
/// Both forms libpq understands are accepted, so every option of libpq works, and the parse is
/// exactly libpq's:
///
/// ```swift
/// let url = try PostgresConfiguration("postgres://registry:secret@127.0.0.1:5432/fengqiao?connect_timeout=5")
/// let kv = try PostgresConfiguration("host=127.0.0.1 port=5432 dbname=fengqiao user=registry")
/// ```
///
/// The description shows user, host, port and database, never the password.
public struct PostgresConfiguration: Sendable, Hashable {
    /// The libpq keywords and values, in libpq's order, without empty ones.
    public var options: [(keyword: String, value: String)] { storage }
    private var storage: [(keyword: String, value: String)]

    /// Reads a `postgres://` URL or a `key=value` connection string.
    ///
    /// - Throws: `PostgresError.invalidConfiguration` with libpq's reason (which never contains the
    ///   password).
    public init(_ string: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(string, &errorMessage) else {
            let reason = errorMessage.map { String(cString: $0) } ?? "out of memory"
            if let errorMessage { PQfreemem(errorMessage) }
            throw PostgresError(.invalidConfiguration, "cannot read connection string: \(reason.trimmed)")
        }
        defer { PQconninfoFree(parsed) }
        var options: [(keyword: String, value: String)] = []
        var cursor = parsed
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val {
                options.append((String(cString: keyword), String(cString: value)))
            }
            cursor += 1
        }
        self.storage = options
        // Connections made by the suite speak UTF-8 and name themselves unless told otherwise.
        setDefault("client_encoding", "UTF8")
        setDefault("fallback_application_name", "fengqiao")
        setDefault("connect_timeout", "10")
    }

    /// The value of a libpq keyword, such as `host` or `dbname`.
    public subscript(keyword: String) -> String? {
        get { storage.first { $0.keyword == keyword }?.value }
        set {
            storage.removeAll { $0.keyword == keyword }
            if let newValue { storage.append((keyword, newValue)) }
        }
    }

    /// The database user.
    public var user: String? { self["user"] }
    /// The database name.
    public var database: String? { self["dbname"] }
    /// The host (or hosts, comma-separated).
    public var host: String? { self["host"] ?? self["hostaddr"] }
    /// The port.
    public var port: String? { self["port"] }

    /// A short, password-free name of the target for messages: `user@host:port/database`.
    public var target: String {
        "\(user ?? "?")@\(host ?? "localhost"):\(port ?? "5432")/\(database ?? user ?? "?")"
    }

    private mutating func setDefault(_ keyword: String, _ value: String) {
        if self[keyword] == nil { self[keyword] = value }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.storage.elementsEqual(rhs.storage) { $0.keyword == $1.keyword && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for option in storage {
            hasher.combine(option.keyword)
            hasher.combine(option.value)
        }
    }
}

extension PostgresConfiguration: CustomStringConvertible {
    public var description: String { "PostgresConfiguration(\(target))" }
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
