import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A certificate chain and its private key, as PEM files: who a server is, or, in mutual TLS,
/// a client.
///
/// ```swift
/// let identity = TLSIdentity(certificateChainFile: "/etc/fengqiao/registry.pem",
///                            privateKeyFile: "/etc/fengqiao/registry.key")
/// ```
///
/// The chain file holds the end certificate first, then any intermediate certificates. The key
/// must be unencrypted PEM (PKCS#8 `PRIVATE KEY`, or `RSA PRIVATE KEY` / `EC PRIVATE KEY`).
public struct TLSIdentity: Sendable, Hashable {
    /// The PEM file of the certificate chain, end certificate first.
    public var certificateChainFile: String
    /// The PEM file of the certificate's private key.
    public var privateKeyFile: String

    /// Creates an identity from the two files; nothing is read until the identity is used.
    public init(certificateChainFile: String, privateKeyFile: String) {
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
    }
}

/// A TLS file that cannot be used: which file it is for, where it is, and why.
///
/// Servers and clients read their TLS files when they start (or with `validate()`), so a bad
/// file is found before any connection.
public struct TLSFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the file is for.
    public enum Role: Sendable, Hashable {
        /// A certificate chain (``TLSIdentity/certificateChainFile``).
        case certificateChain
        /// A private key (``TLSIdentity/privateKeyFile``).
        case privateKey
        /// The CA certificates trusted to sign the peer's certificate.
        case trustRoots
    }

    /// What is wrong with the file.
    public enum Code: Sendable, Hashable {
        /// The file is missing or cannot be read.
        case unreadable
        /// The file holds no PEM certificate, or no PEM private key, that can be decoded.
        case notPEM
        /// The private key does not belong to the end certificate of the chain.
        case keyDoesNotMatchCertificate
        /// The file decodes, but the TLS library refuses it (an unsupported key type, say).
        case unusable
    }

    /// What is wrong.
    public var code: Code
    /// What the file is for.
    public var role: Role
    /// The file's path.
    public var path: String

    /// Creates an error for the file at `path`.
    public init(_ code: Code, role: Role, path: String) {
        self.code = code
        self.role = role
        self.path = path
    }

    /// What is wrong, without the path: "holds no PEM certificate".
    public var reason: String {
        switch (code, role) {
        case (.unreadable, _): "cannot be read (missing, or not readable by this user)"
        case (.notPEM, .privateKey): "holds no PEM private key (or the key is encrypted)"
        case (.notPEM, _): "holds no PEM certificate"
        case (.keyDoesNotMatchCertificate, _): "does not match the certificate it is paired with"
        case (.unusable, _): "cannot be used for TLS"
        }
    }

    /// The path and what is wrong.
    public var description: String { "\(path) \(reason)" }
}

/// Reading TLS files into NIOSSL's types, each failure a ``TLSFileError``.
enum TLSFiles {
    static func certificates(at path: String, role: TLSFileError.Role) throws(TLSFileError) -> [NIOSSLCertificate] {
        let bytes = try contents(of: path, role: role)
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes), !certificates.isEmpty else {
            throw TLSFileError(.notPEM, role: role, path: path)
        }
        return certificates
    }

    static func privateKey(at path: String) throws(TLSFileError) -> NIOSSLPrivateKey {
        let bytes = try contents(of: path, role: .privateKey)
        guard let key = try? NIOSSLPrivateKey(bytes: bytes, format: .pem) else {
            throw TLSFileError(.notPEM, role: .privateKey, path: path)
        }
        return key
    }

    /// The chain and key of `identity`, in the form a `TLSConfiguration` takes.
    static func load(
        _ identity: TLSIdentity
    ) throws(TLSFileError) -> (chain: [NIOSSLCertificateSource], key: NIOSSLPrivateKeySource) {
        let chain = try certificates(at: identity.certificateChainFile, role: .certificateChain)
        let key = try privateKey(at: identity.privateKeyFile)
        return (chain.map { .certificate($0) }, .privateKey(key))
    }

    /// Makes the context. Every file was decoded already, so a key BoringSSL refuses next to its
    /// certificate does not match it.
    static func makeContext(
        _ configuration: TLSConfiguration, identity: TLSIdentity?, trustRootsFile: String?
    ) throws(TLSFileError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch let error as NIOSSLError where error == .failedToLoadPrivateKey && identity != nil {
            throw TLSFileError(.keyDoesNotMatchCertificate, role: .privateKey, path: identity?.privateKeyFile ?? "")
        } catch {
            if let identity { throw TLSFileError(.unusable, role: .certificateChain, path: identity.certificateChainFile) }
            throw TLSFileError(.unusable, role: .trustRoots, path: trustRootsFile ?? "the system's CA store")
        }
    }

    /// The whole file, or ``TLSFileError/Code/unreadable``.
    private static func contents(of path: String, role: TLSFileError.Role) throws(TLSFileError) -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw TLSFileError(.unreadable, role: role, path: path) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes.append(contentsOf: chunk[..<count])
            if count < chunk.count { break }
            // Certificates and keys are a few kilobytes; anything huge is not one.
            guard bytes.count <= 1024 * 1024 else { throw TLSFileError(.notPEM, role: role, path: path) }
        }
        guard ferror(file) == 0 else { throw TLSFileError(.unreadable, role: role, path: path) }
        return bytes
    }
}
