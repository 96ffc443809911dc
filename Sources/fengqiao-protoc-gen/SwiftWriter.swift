/// Builds Swift source text line by line, with indentation.
struct SwiftWriter {
    private(set) var text = ""
    private var indentation = ""

    mutating func line(_ line: String = "") {
        text += line.isEmpty ? "\n" : indentation + line + "\n"
    }

    mutating func lines(_ lines: [String]) {
        for line in lines {
            self.line(line)
        }
    }

    /// Writes `open`, the body one level deeper, then `close`.
    mutating func block(_ open: String, close: String = "}", _ body: (inout SwiftWriter) throws -> Void) rethrows {
        line(open)
        indentation += "    "
        try body(&self)
        indentation.removeLast(4)
        line(close)
    }

    /// Writes a proto comment as a `///` doc comment, or `fallback` when there is none.
    mutating func doc(_ comment: String, fallback: String) {
        var commentLines = comment.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(" ") ? String(line.dropFirst()) : String(line)
        }
        while commentLines.last?.trimmingSpaces.isEmpty == true {
            commentLines.removeLast()
        }
        while commentLines.first?.trimmingSpaces.isEmpty == true {
            commentLines.removeFirst()
        }
        if commentLines.isEmpty {
            commentLines = [fallback]
        }
        for commentLine in commentLines {
            line(commentLine.isEmpty ? "///" : "/// " + commentLine)
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring {
        drop(while: { $0 == " " || $0 == "\t" })
    }
}
