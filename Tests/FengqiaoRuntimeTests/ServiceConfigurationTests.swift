import FengqiaoRPC
import FengqiaoRuntime
import FengqiaoTestSupport
import Testing

/// The environment of a service with a database and the given TLS variables.
func serviceEnvironment(_ tls: [String: String]) -> [String: String] {
    tls.merging(["FENGQIAO_DATABASE_URL": "postgres://registry@127.0.0.1:5432/registry"]) { $1 }
}

/// The variable an `Invalid` names, or `nil` when `body` did not throw one.
func invalidVariable(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let invalid as ServiceConfiguration.Invalid {
        return invalid.variable
    } catch {
        return "\(type(of: error))"
    }
}

@Suite("Service configuration: TLS")
struct ServiceConfigurationTLSTests {
    @Test("TLS is off without the variables")
    func offByDefault() throws {
        let configuration = try ServiceConfiguration(environment: serviceEnvironment([:]), defaultPort: 7101)
        #expect(configuration.tls == nil)
    }

    @Test("a certificate and key turn TLS on; a client CA makes it mutual", arguments: [false, true])
    func on(mutual: Bool) async throws {
        let certificates = try await TestCertificates.shared()
        var variables = ["FENGQIAO_TLS_CERTIFICATE": certificates.serverCertificate, "FENGQIAO_TLS_KEY": certificates.serverKey]
        if mutual { variables["FENGQIAO_TLS_CLIENT_CA"] = certificates.caCertificate }
        let configuration = try ServiceConfiguration(environment: serviceEnvironment(variables), defaultPort: 7101)
        #expect(configuration.tls?.identity.certificateChainFile == certificates.serverCertificate)
        #expect(configuration.tls?.identity.privateKeyFile == certificates.serverKey)
        #expect(configuration.tls?.requiresClientCertificate == mutual)
    }

    /// Which variables to set (`missing` for a file that does not exist), and the one blamed.
    @Test(
        "a bad TLS setting names its variable",
        arguments: [
            (["FENGQIAO_TLS_CERTIFICATE": "missing", "FENGQIAO_TLS_KEY": "server.key"], "FENGQIAO_TLS_CERTIFICATE"),
            (["FENGQIAO_TLS_CERTIFICATE": "server.pem", "FENGQIAO_TLS_KEY": "missing"], "FENGQIAO_TLS_KEY"),
            (["FENGQIAO_TLS_CERTIFICATE": "server.key", "FENGQIAO_TLS_KEY": "server.key"], "FENGQIAO_TLS_CERTIFICATE"),
            (["FENGQIAO_TLS_CERTIFICATE": "server.pem", "FENGQIAO_TLS_KEY": "server.pem"], "FENGQIAO_TLS_KEY"),
            (["FENGQIAO_TLS_CERTIFICATE": "server.pem", "FENGQIAO_TLS_KEY": "client.key"], "FENGQIAO_TLS_KEY"),
            (["FENGQIAO_TLS_CERTIFICATE": "server.pem"], "FENGQIAO_TLS_KEY"),
            (["FENGQIAO_TLS_KEY": "server.key"], "FENGQIAO_TLS_CERTIFICATE"),
            (["FENGQIAO_TLS_CLIENT_CA": "ca.pem"], "FENGQIAO_TLS_CLIENT_CA"),
            (
                ["FENGQIAO_TLS_CERTIFICATE": "server.pem", "FENGQIAO_TLS_KEY": "server.key", "FENGQIAO_TLS_CLIENT_CA": "client.key"],
                "FENGQIAO_TLS_CLIENT_CA"
            ),
        ])
    func badSetting(files: [String: String], blamed: String) async throws {
        let certificates = try await TestCertificates.shared()
        let variables = files.mapValues { certificates.directory + "/" + ($0 == "missing" ? "missing.pem" : $0) }
        #expect(invalidVariable { _ = try ServiceConfiguration(environment: serviceEnvironment(variables), defaultPort: 7101) } == blamed)
    }

    @Test("a missing certificate file is named with its variable and path")
    func missingCertificateMessage() throws {
        let variables = ["FENGQIAO_TLS_CERTIFICATE": "/nonexistent/registry.pem", "FENGQIAO_TLS_KEY": "/nonexistent/registry.key"]
        do {
            _ = try ServiceConfiguration(environment: serviceEnvironment(variables), defaultPort: 7101)
            Issue.record("a missing certificate was accepted")
        } catch let invalid as ServiceConfiguration.Invalid {
            #expect(invalid.description == "FENGQIAO_TLS_CERTIFICATE: /nonexistent/registry.pem cannot be read (missing, or not readable by this user)")
        }
    }

    @Test(
        "only loopback listeners count as local",
        arguments: [
            ("127.0.0.1:7101", true), ("127.8.0.1:7101", true), ("localhost:7101", true), ("[::1]:7101", true),
            ("0.0.0.0:7101", false), ("10.33.1.20:7101", false), ("registry.gaj.example:7101", false), ("[::]:7101", false),
        ])
    func loopback(listen: String, isLoopback: Bool) throws {
        let configuration = try ServiceConfiguration(environment: serviceEnvironment(["FENGQIAO_LISTEN": listen]), defaultPort: 7101)
        #expect(configuration.listensOnLoopback == isLoopback)
    }
}
