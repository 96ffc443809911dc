import Foundation

/// Where a client program finds the credential it presents: a token file named on its command
/// line, else `$FENGQIAO_TOKEN`, else the file named by `$FENGQIAO_TOKEN_FILE` — never an argument
/// that `ps` would show.
public enum ClientCredential {
    /// A token file that cannot be read.
    public struct UnreadableFile: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "cannot read the token file \(path)" }
    }

    /// The token, trimmed, or `nil` when none is configured (an empty variable counts as unset).
    public static func token(file: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        let variable = environment["FENGQIAO_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        guard let path = file ?? (variable == nil ? environment["FENGQIAO_TOKEN_FILE"].flatMap { $0.isEmpty ? nil : $0 } : nil) else {
            return variable?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw UnreadableFile(path: path) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
