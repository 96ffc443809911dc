import NIOCore
import NIOSSL

extension RPCClientConfiguration {
    /// TLS on a client's connections: whom to trust, the name the server's certificate must
    /// carry, and optionally the client's own certificate (mutual TLS).
    ///
    /// ```swift
    /// var configuration = RPCClientConfiguration(addresses: [.init(host: "registry.gaj.example", port: 7101)])
    /// configuration.tls = .init(trustRoots: .file("bureau-ca.pem"))
    /// ```
    ///
    /// A server whose certificate is not signed by a trusted CA, or does not name the server, is
    /// refused during the handshake; its calls fail with `unavailable`, saying why.
    public struct TLS: Sendable, Hashable {
        /// The certificates a server's chain must lead to.
        public enum TrustRoots: Sendable, Hashable {
            /// The operating system's CA store.
            case system
            /// The CA certificates in a PEM file, and no others.
            case file(String)
        }

        /// Whom to trust; the bureau's own CA in practice.
        public var trustRoots: TrustRoots
        /// The DNS name the server's certificate must carry, also sent as SNI; `nil` for the
        /// address's host. When that host is an IP address, the certificate must list that
        /// address instead.
        public var serverName: String?
        /// The client's certificate and key, for servers that require one.
        public var identity: TLSIdentity?

        /// Creates a TLS setting.
        public init(trustRoots: TrustRoots = .system, serverName: String? = nil, identity: TLSIdentity? = nil) {
            self.trustRoots = trustRoots
            self.serverName = serverName
            self.identity = identity
        }

        /// Reads and checks every file, as the client does before its first connection.
        ///
        /// - Throws: ``TLSFileError`` for the first file that cannot be read, is not PEM, or
        ///   (for the key) does not match the certificate.
        public func validate() throws(TLSFileError) {
            _ = try makeContext()
        }

        func makeContext() throws(TLSFileError) -> NIOSSLContext {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            configuration.certificateVerification = .fullVerification
            switch trustRoots {
            case .system:
                configuration.trustRoots = .default
            case .file(let path):
                configuration.trustRoots = .certificates(try TLSFiles.certificates(at: path, role: .trustRoots))
            }
            if let identity {
                let (chain, key) = try TLSFiles.load(identity)
                configuration.certificateChain = chain
                configuration.privateKey = key
            }
            var rootsFile: String?
            if case .file(let path) = trustRoots { rootsFile = path }
            return try TLSFiles.makeContext(configuration, identity: identity, trustRootsFile: rootsFile)
        }

        /// The name to send as SNI and check the certificate against when connecting to
        /// `address`; `nil` when that is an IP address, which is then checked against the
        /// certificate's IP addresses.
        func hostname(for address: RPCAddress) -> String? {
            let name = serverName ?? address.host
            let isIPAddress = (try? SocketAddress(ipAddress: name, port: 0)) != nil
            return isIPAddress && serverName == nil ? nil : name
        }
    }
}
