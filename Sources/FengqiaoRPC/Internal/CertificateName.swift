/// Matching a server name against the DNS names a certificate carries (RFC 6125, section 6.4).
enum CertificateName {
    /// Whether `name` is one of `dnsNames`, ignoring case and a final dot. A name in the
    /// certificate may start with a wildcard label, `*.gaj.example`, which stands for exactly one
    /// label: it matches `registry.gaj.example`, not `gaj.example` or `a.registry.gaj.example`.
    static func matches(_ name: String, dnsNames: [String]) -> Bool {
        let wanted = labels(of: name)
        guard !wanted.isEmpty, !wanted.contains("") else { return false }
        return dnsNames.contains { pattern in
            let candidate = labels(of: pattern)
            guard candidate.count == wanted.count, !candidate.isEmpty else { return false }
            if candidate[0] == "*" {
                // A wildcard must leave at least two labels of its own: `*.example` names nothing.
                return candidate.count >= 3 && Array(candidate.dropFirst()) == Array(wanted.dropFirst())
            }
            return candidate == wanted
        }
    }

    /// The lower-cased labels of a DNS name, without a final dot.
    private static func labels(of name: String) -> [Substring] {
        var name = Substring(name.lowercased())
        if name.hasSuffix(".") { name = name.dropLast() }
        return name.split(separator: ".", omittingEmptySubsequences: false)
    }
}
