import FengqiaoMessages
import FengqiaoRPC
import FengqiaoTestSupport
import InMemoryLogging
import Logging
import Testing

/// Runs `body` with certificates from a throwaway CA.
func withTestCertificates(_ body: (TestCertificates) async throws -> Void) async throws {
    try await body(try await TestCertificates.shared())
}

extension TestCertificates {
    /// The server's TLS, requiring a client certificate signed by the CA when `mutual`.
    func server(mutual: Bool = false) -> RPCServerConfiguration.TLS {
        .init(
            identity: TLSIdentity(certificateChainFile: serverCertificate, privateKeyFile: serverKey),
            clientCAFile: mutual ? caCertificate : nil)
    }

    /// The client's TLS trusting the CA, presenting the client certificate when `identified`.
    func client(serverName: String? = nil, identified: Bool = false) -> RPCClientConfiguration.TLS {
        .init(
            trustRoots: .file(caCertificate), serverName: serverName,
            identity: identified ? TLSIdentity(certificateChainFile: clientCertificate, privateKeyFile: clientKey) : nil)
    }
}

/// Every refused connection must fail well before this: UNAVAILABLE, never DEADLINE_EXCEEDED.
private let bounded = CallOptions(timeout: .seconds(10))

@Suite("TLS")
struct TLSTests {
    @Test("a call over TLS succeeds, checking the certificate's IP address or its DNS name", arguments: [nil, "localhost"])
    func callOverTLS(serverName: String?) async throws {
        try await withTestCertificates { certificates in
            try await withEchoServer(
                configure: { $0.tls = certificates.server() },
                configureClient: { $0.tls = certificates.client(serverName: serverName) }
            ) { echo, _, _ in
                let answer = try await echo.echo(.init(text: "加密"), bounded)
                #expect(answer.text == "加密")
                let stream = try await echo.expand(.init(count: 3, text: "s"), bounded)
                var count = 0
                for try await _ in stream { count += 1 }
                #expect(count == 3)
            }
        }
    }

    /// The server answers the frame with a TLS alert, which the client reads as a length prefix.
    @Test("a plain-TCP client of a TLS server fails with UNAVAILABLE before its deadline, saying it met TLS")
    func plaintextClient() async throws {
        try await withTestCertificates { certificates in
            try await withEchoServer(configure: { $0.tls = certificates.server() }) { echo, _, probe in
                let error = await expectRPCError(.unavailable) {
                    _ = try await echo.echo(.init(text: "x"), bounded)
                }
                #expect(error?.message.hasSuffix("the bytes look like TLS: is TLS on at one end only?") == true, "\(String(describing: error))")
                #expect(probe.snapshot.started == 0)
            }
        }
    }

    @Test("a TLS client of a plain-TCP server fails with UNAVAILABLE saying the server does not speak TLS")
    func plaintextServer() async throws {
        try await withTestCertificates { certificates in
            try await withEchoServer(configureClient: { $0.tls = certificates.client() }) { echo, _, _ in
                let error = await expectRPCError(.unavailable) {
                    _ = try await echo.echo(.init(text: "x"), bounded)
                }
                #expect(error?.message.contains("TLS handshake failed") == true, "\(String(describing: error))")
            }
        }
    }

    @Test("a client that does not trust the server's CA gets UNAVAILABLE naming the address and TLS")
    func untrustedServer() async throws {
        try await withTestCertificates { certificates in
            let serverLog = InMemoryLogHandler()
            var client = certificates.client()
            client.trustRoots = .file(certificates.otherCACertificate)
            try await withEchoServer(
                configure: { $0.tls = certificates.server() },
                configureClient: { $0.tls = client },
                logger: Logger(label: "test", factory: { _ in serverLog })
            ) { echo, server, _ in
                let port = try await server.listeningPort()
                let error = await expectRPCError(.unavailable) {
                    _ = try await echo.echo(.init(text: "x"), bounded)
                }
                #expect(
                    error?.message
                        == "cannot connect to 127.0.0.1:\(port): TLS handshake failed: the server's certificate is not trusted (CERTIFICATE_VERIFY_FAILED)"
                )
                try await eventually("the server logs the failed handshake") {
                    serverLog.entries.contains { $0.message == "TLS handshake failed" }
                }
            }
        }
    }

    /// The certificate lists 127.0.0.1, the address connected to, but not the name asked for.
    @Test("a certificate for another name is refused", arguments: ["registry.other.example", "local"])
    func wrongServerName(serverName: String) async throws {
        try await withTestCertificates { certificates in
            try await withEchoServer(
                configure: { $0.tls = certificates.server() },
                configureClient: { $0.tls = certificates.client(serverName: serverName) }
            ) { echo, _, _ in
                let error = await expectRPCError(.unavailable) {
                    _ = try await echo.echo(.init(text: "x"), bounded)
                }
                #expect(error?.message.hasSuffix("TLS handshake failed: the server's certificate does not name \(serverName)") == true)
            }
        }
    }

    @Test("mutual TLS: a client with a certificate from the CA is served")
    func mutualWithCertificate() async throws {
        try await withTestCertificates { certificates in
            try await withEchoServer(
                configure: { $0.tls = certificates.server(mutual: true) },
                configureClient: { $0.tls = certificates.client(identified: true) }
            ) { echo, _, _ in
                let answer = try await echo.echo(.init(text: "站"), bounded)
                #expect(answer.text == "站")
            }
        }
    }

    @Test("mutual TLS: a client without a certificate, or with one from another CA, is refused")
    func mutualRefused() async throws {
        try await withTestCertificates { certificates in
            var stranger = certificates.client()
            stranger.identity = TLSIdentity(certificateChainFile: certificates.strangerCertificate, privateKeyFile: certificates.strangerKey)
            for client in [certificates.client(), stranger] {
                let serverLog = InMemoryLogHandler()
                try await withEchoServer(
                    configure: { $0.tls = certificates.server(mutual: true) },
                    configureClient: { $0.tls = client },
                    logger: Logger(label: "test", factory: { _ in serverLog })
                ) { echo, _, probe in
                    await expectRPCError(.unavailable) {
                        _ = try await echo.echo(.init(text: "x"), bounded)
                    }
                    #expect(probe.snapshot.started == 0)
                    try await eventually("the server logs the refused handshake") {
                        serverLog.entries.contains { $0.message == "TLS handshake failed" }
                    }
                }
            }
        }
    }

    @Test("a server whose TLS files cannot be used does not listen, and says which file")
    func serverWithMissingFile() async throws {
        try await withTestCertificates { certificates in
            var configuration = RPCServerConfiguration(host: "127.0.0.1", port: 0)
            configuration.tls = .init(
                identity: TLSIdentity(certificateChainFile: certificates.directory + "/missing.pem", privateKeyFile: certificates.serverKey))
            let server = RPCServer(
                configuration: configuration, services: [],
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            await #expect(throws: TLSFileError(.unreadable, role: .certificateChain, path: certificates.directory + "/missing.pem")) {
                try await server.run()
            }
        }
    }

    @Test("a client whose TLS files cannot be used fails its calls with UNAVAILABLE naming the file")
    func clientWithMissingFile() async throws {
        try await withTestCertificates { certificates in
            let missing = certificates.directory + "/missing-ca.pem"
            try await withEchoServer(
                configure: { $0.tls = certificates.server() },
                configureClient: { $0.tls = .init(trustRoots: .file(missing)) }
            ) { echo, _, _ in
                let error = await expectRPCError(.unavailable) {
                    _ = try await echo.echo(.init(text: "x"), bounded)
                }
                #expect(error?.message == "cannot use TLS: \(missing) cannot be read (missing, or not readable by this user)")
            }
        }
    }
}

@Suite("TLS files")
struct TLSFileTests {
    /// Which file of a server's setting to spoil, and the error expected.
    enum Spoiled: CaseIterable, Sendable {
        case missingCertificate, certificateIsAKey, keyIsACertificate, keyOfAnotherCertificate, clientCAIsAKey

        func apply(to tls: inout RPCServerConfiguration.TLS, _ certificates: TestCertificates) -> TLSFileError {
            switch self {
            case .missingCertificate:
                tls.identity.certificateChainFile = certificates.directory + "/none.pem"
                return TLSFileError(.unreadable, role: .certificateChain, path: tls.identity.certificateChainFile)
            case .certificateIsAKey:
                tls.identity.certificateChainFile = certificates.serverKey
                return TLSFileError(.notPEM, role: .certificateChain, path: certificates.serverKey)
            case .keyIsACertificate:
                tls.identity.privateKeyFile = certificates.serverCertificate
                return TLSFileError(.notPEM, role: .privateKey, path: certificates.serverCertificate)
            case .keyOfAnotherCertificate:
                tls.identity.privateKeyFile = certificates.clientKey
                return TLSFileError(.keyDoesNotMatchCertificate, role: .privateKey, path: certificates.clientKey)
            case .clientCAIsAKey:
                tls.clientCAFile = certificates.clientKey
                return TLSFileError(.notPEM, role: .trustRoots, path: certificates.clientKey)
            }
        }
    }

    @Test("validate() names the file at fault and why", arguments: Spoiled.allCases)
    func validate(spoiled: Spoiled) async throws {
        try await withTestCertificates { certificates in
            var tls = certificates.server(mutual: true)
            try tls.validate()
            let expected = spoiled.apply(to: &tls, certificates)
            #expect(throws: expected) { try tls.validate() }
        }
    }

    @Test("a client's files are checked the same way")
    func validateClient() async throws {
        try await withTestCertificates { certificates in
            try certificates.client(identified: true).validate()
            var tls = certificates.client(identified: true)
            tls.identity?.privateKeyFile = certificates.serverKey
            #expect(throws: TLSFileError(.keyDoesNotMatchCertificate, role: .privateKey, path: certificates.serverKey)) {
                try tls.validate()
            }
        }
    }
}
