import NIOSSL

extension RPCServerConfiguration {
    /// TLS on a server's listener: its certificate and key, and optionally the CA whose
    /// certificates clients must present (mutual TLS).
    ///
    /// ```swift
    /// var configuration = RPCServerConfiguration(host: "0.0.0.0", port: 7101)
    /// configuration.tls = .init(identity: .init(certificateChainFile: "registry.pem", privateKeyFile: "registry.key"),
    ///                           clientCAFile: "bureau-ca.pem")
    /// ```
    ///
    /// Every connection then starts with a TLS handshake; the frames that follow are the same as
    /// without TLS. TLS 1.2 and 1.3 are accepted; no ALPN protocol is offered or required.
    public struct TLS: Sendable, Hashable {
        /// The server's certificate chain and key.
        public var identity: TLSIdentity
        /// CA certificates (PEM) that sign client certificates; when set, a client without a
        /// certificate signed by one of them is refused during the handshake.
        public var clientCAFile: String?

        /// Creates a TLS setting; `clientCAFile` turns on mutual TLS.
        public init(identity: TLSIdentity, clientCAFile: String? = nil) {
            self.identity = identity
            self.clientCAFile = clientCAFile
        }

        /// Whether clients must present a certificate.
        public var requiresClientCertificate: Bool { clientCAFile != nil }

        /// Reads and checks every file, as the server does when it starts.
        ///
        /// - Throws: ``TLSFileError`` for the first file that cannot be read, is not PEM, or
        ///   (for the key) does not match the certificate.
        public func validate() throws(TLSFileError) {
            _ = try makeContext()
        }

        func makeContext() throws(TLSFileError) -> NIOSSLContext {
            let (chain, key) = try TLSFiles.load(identity)
            var configuration: TLSConfiguration
            if let clientCAFile {
                let roots = try TLSFiles.certificates(at: clientCAFile, role: .trustRoots)
                configuration = .makeServerConfigurationWithMTLS(
                    certificateChain: chain, privateKey: key, trustRoots: .certificates(roots))
                configuration.sendCANameList = true
            } else {
                configuration = .makeServerConfiguration(certificateChain: chain, privateKey: key)
            }
            configuration.minimumTLSVersion = .tlsv12
            return try TLSFiles.makeContext(configuration, identity: identity, trustRootsFile: clientCAFile)
        }
    }
}
