import Foundation

/// A throwaway certificate authority and the certificates it signed, made with the `openssl`
/// command in a temporary folder, for tests of TLS.
///
/// ```swift
/// let certificates = try await TestCertificates.shared()
/// // certificates.serverCertificate is valid for 127.0.0.1 and localhost.
/// ```
///
/// Every file is PEM. Keys are unencrypted P-256 keys; certificates are valid for two days. One
/// set serves every test of a process: made on first use (a few dozen milliseconds of `openssl`
/// that many tests at once would multiply), deleted when the process exits. Tests only read it.
public struct TestCertificates: Sendable {
    /// The folder holding every file.
    public let directory: String

    /// The CA's certificate, which signed the server's and the client's.
    public var caCertificate: String { path("ca.pem") }
    /// The server's certificate, for `IP:127.0.0.1` and `DNS:localhost`.
    public var serverCertificate: String { path("server.pem") }
    /// The server certificate's key.
    public var serverKey: String { path("server.key") }
    /// A client's certificate (`CN=test-station`), for mutual TLS.
    public var clientCertificate: String { path("client.pem") }
    /// The client certificate's key.
    public var clientKey: String { path("client.key") }
    /// Another CA's certificate, which signed nothing here: trusting only it trusts no peer.
    public var otherCACertificate: String { path("other-ca.pem") }
    /// A client certificate signed by the other CA, which a server trusting ``caCertificate`` refuses.
    public var strangerCertificate: String { path("stranger.pem") }
    /// The stranger certificate's key.
    public var strangerKey: String { path("stranger.key") }

    /// The set every test of this process shares, made on first use.
    ///
    /// - Throws: when `openssl` is missing or fails, with its error output.
    public static func shared() async throws -> TestCertificates {
        try await Shared.certificates.value
    }

    private enum Shared {
        static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fq-tls-" + UUID().uuidString).path
        static let certificates: Task<TestCertificates, any Error> = {
            atexit { try? FileManager.default.removeItem(atPath: Shared.directory) }
            return Task { try await TestCertificates.make(in: directory) }
        }()
    }

    /// Makes the CA, the other CA and the three certificates in `directory`.
    private static func make(in directory: String) async throws -> TestCertificates {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        try await certificates.makeAuthority("ca", name: "Fengqiao Test CA")
        try await certificates.makeAuthority("other-ca", name: "Fengqiao Other CA")
        try await certificates.makeCertificate(
            "server", name: "localhost", signedBy: "ca",
            extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        try await certificates.makeCertificate(
            "client", name: "test-station", signedBy: "ca", extensions: "extendedKeyUsage=clientAuth\n")
        try await certificates.makeCertificate(
            "stranger", name: "stranger", signedBy: "other-ca", extensions: "extendedKeyUsage=clientAuth\n")
        return certificates
    }

    private func path(_ file: String) -> String {
        (directory as NSString).appendingPathComponent(file)
    }

    private func makeAuthority(_ file: String, name: String) async throws {
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", path("\(file).key"), "-out", path("\(file).pem"), "-days", "2", "-subj", "/CN=\(name)",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    private func makeCertificate(_ file: String, name: String, signedBy authority: String, extensions: String) async throws {
        try await openssl([
            "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", path("\(file).key"), "-out", path("\(file).csr"), "-subj", "/CN=\(name)",
        ])
        try ("basicConstraints=CA:FALSE\n" + extensions).write(toFile: path("\(file).ext"), atomically: true, encoding: .utf8)
        try await openssl([
            "x509", "-req", "-in", path("\(file).csr"), "-CA", path("\(authority).pem"), "-CAkey", path("\(authority).key"),
            "-CAcreateserial", "-out", path("\(file).pem"), "-days", "2", "-extfile", path("\(file).ext"),
        ])
    }

    private func openssl(_ arguments: [String]) async throws {
        let result = try await runCommand(Self.opensslPath, arguments)
        guard result.status == 0 else {
            throw ServiceProcess.ServiceFailure(
                description: "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(result.standardError)")
        }
    }

    /// `openssl` on the search path (`scripts/test` installs it).
    private static var opensslPath: String {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for directory in directories {
            let candidate = "\(directory)/openssl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/openssl"
    }
}
