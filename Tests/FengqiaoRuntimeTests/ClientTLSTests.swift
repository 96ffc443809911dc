import FengqiaoRPC
import FengqiaoRuntime
import FengqiaoTestSupport
import Testing

@Suite("Client TLS settings")
struct ClientTLSTests {
    @Test("plain TCP unless a flag or variable asks for TLS")
    func offByDefault() throws {
        #expect(try ClientTLS().configuration(environment: [:]) == nil)
        #expect(try ClientTLS().configuration(environment: ["FENGQIAO_TLS": "0"]) == nil)
        #expect(try ClientTLS().configuration(environment: ["FENGQIAO_TLS": "1"]) == .init(trustRoots: .system))
        #expect(try ClientTLS(enabled: true).configuration(environment: [:]) == .init(trustRoots: .system))
    }

    @Test("a CA file, server name or client certificate turns TLS on; a flag wins over its variable")
    func settings() async throws {
        let certificates = try await TestCertificates.shared()
        let fromEnvironment = try ClientTLS().configuration(environment: [
            "FENGQIAO_TLS_CA_FILE": certificates.otherCACertificate,
            "FENGQIAO_TLS_SERVER_NAME": "registry.gaj.example",
            "FENGQIAO_TLS_CLIENT_CERTIFICATE": certificates.clientCertificate,
            "FENGQIAO_TLS_CLIENT_KEY": certificates.clientKey,
        ])
        #expect(
            fromEnvironment
                == .init(
                    trustRoots: .file(certificates.otherCACertificate), serverName: "registry.gaj.example",
                    identity: TLSIdentity(certificateChainFile: certificates.clientCertificate, privateKeyFile: certificates.clientKey)))
        let flagWins = try ClientTLS(caFile: certificates.caCertificate).configuration(environment: [
            "FENGQIAO_TLS_CA_FILE": certificates.otherCACertificate
        ])
        #expect(flagWins == .init(trustRoots: .file(certificates.caCertificate)))
    }

    /// The flags given, the variables set (`missing` for a file that does not exist), and the name blamed.
    @Test(
        "a bad setting names its flag, or its variable when it came from there",
        arguments: [
            (ClientTLS(caFile: "missing"), [:], "--ca-file"),
            (ClientTLS(), ["FENGQIAO_TLS_CA_FILE": "client.key"], "FENGQIAO_TLS_CA_FILE"),
            (ClientTLS(clientCertificate: "client.pem"), [:], "--client-key"),
            (ClientTLS(clientKey: "client.key"), [:], "--client-certificate"),
            (ClientTLS(), ["FENGQIAO_TLS_CLIENT_CERTIFICATE": "client.pem"], "FENGQIAO_TLS_CLIENT_KEY"),
            (ClientTLS(clientCertificate: "client.pem", clientKey: "server.key"), [:], "--client-key"),
            (ClientTLS(serverName: "10.33.1.20"), [:], "--tls-server-name"),
            (ClientTLS(), ["FENGQIAO_TLS": "maybe"], "FENGQIAO_TLS"),
        ] as [(ClientTLS, [String: String], String)])
    func badSetting(flags: ClientTLS, variables: [String: String], blamed: String) async throws {
        let certificates = try await TestCertificates.shared()
        func inDirectory(_ file: String?) -> String? {
            file.map { certificates.directory + "/" + ($0 == "missing" ? "missing.pem" : $0) }
        }
        var flags = flags
        flags.caFile = inDirectory(flags.caFile)
        flags.clientCertificate = inDirectory(flags.clientCertificate)
        flags.clientKey = inDirectory(flags.clientKey)
        var environment = variables
        for name in ["FENGQIAO_TLS_CA_FILE", "FENGQIAO_TLS_CLIENT_CERTIFICATE", "FENGQIAO_TLS_CLIENT_KEY"] {
            environment[name] = inDirectory(environment[name])
        }
        #expect(invalidVariable { _ = try flags.configuration(environment: environment) } == blamed)
    }
}
