import FengqiaoTestSupport
import Foundation
import Testing

/// The real `fengqiao-registry` with TLS from its `FENGQIAO_TLS_*` variables, called by the real
/// `fengqiao` over TLS.
@Suite struct TLSEndToEndTests {
    @Test func cliCallsTheRegistryOverMutualTLS() async throws {
        let certificates = try await TestCertificates.shared()
        let tls = [
            "FENGQIAO_TLS_CERTIFICATE": certificates.serverCertificate,
            "FENGQIAO_TLS_KEY": certificates.serverKey,
            "FENGQIAO_TLS_CLIENT_CA": certificates.caCertificate,
        ]
        // Listening on every interface, as a registry that stations reach across the network does.
        try await RegistryCLITests().withRunningRegistry(listen: "0.0.0.0:0", extraEnvironment: tls) { registry in
            let station = ["--ca-file", certificates.caCertificate, "--client-certificate", certificates.clientCertificate, "--client-key", certificates.clientKey]

            let health = try await registry.cli(["health"] + station)
            #expect(health.status == 0, "\(health.standardError)")
            #expect(health.standardOutput == "serving\n")
            #expect(try await registry.cli(["unit", "create", "--code", "QS", "--name", "青山县公安局", "--kind", "bureau"] + station).status == 0)
            let list = try await registry.cli(["unit", "list", "--json"] + station)
            #expect(list.status == 0, "\(list.standardError)")
            #expect(list.standardOutput.contains("青山县公安局"))

            // Plain TCP, a CA that did not sign the registry's certificate, and no client certificate are all refused.
            let plain = try await registry.cli(["health"])
            #expect(plain.status == 1)
            #expect(plain.standardError.contains("UNAVAILABLE"), "\(plain.standardError)")
            #expect(plain.standardError.contains("look like TLS"), "\(plain.standardError)")

            let untrusted = try await registry.cli(["health", "--ca-file", certificates.otherCACertificate])
            #expect(untrusted.status == 1)
            #expect(
                untrusted.standardError.contains(
                    "UNAVAILABLE: cannot connect to 127.0.0.1:\(registry.port): TLS handshake failed: the server's certificate is not trusted"),
                "\(untrusted.standardError)")

            let anonymous = try await registry.cli(["health", "--ca-file", certificates.caCertificate])
            #expect(anonymous.status == 1)
            #expect(anonymous.standardError.contains("UNAVAILABLE"), "\(anonymous.standardError)")

            // TLS is on, so the registry does not warn about clear text on a public listener.
            #expect(!registry.process.log.contains("TLS is off"))
            #expect(registry.process.log.contains("TLS handshake failed"))
        }
    }

    @Test func badTLSSettingsStopTheRegistryAndNameTheVariable() async throws {
        let result = try await runCommand(
            BuiltProduct.path("fengqiao-registry"), ["--listen", "127.0.0.1:0"],
            environment: [
                "FENGQIAO_DATABASE_URL": "postgres://registry@127.0.0.1:1/registry", "FENGQIAO_PII_KEYS": TestPersonalData.keys,
                "FENGQIAO_TLS_CERTIFICATE": "/nonexistent/registry.pem",
                "FENGQIAO_TLS_KEY": "/nonexistent/registry.key",
            ])
        #expect(result.status != 0)
        #expect(result.standardError.contains("FENGQIAO_TLS_CERTIFICATE: /nonexistent/registry.pem cannot be read"), "\(result.standardError)")
    }

    @Test func aPublicListenerWithoutTLSWarnsAtStartUp() async throws {
        // Nothing listens on port 1, so the registry stops at its first connection; the warning comes before.
        let result = try await runCommand(
            BuiltProduct.path("fengqiao-registry"), ["--listen", "0.0.0.0:0"],
            environment: ["FENGQIAO_DATABASE_URL": "postgres://registry@127.0.0.1:1/registry", "FENGQIAO_PII_KEYS": TestPersonalData.keys])
        #expect(result.status != 0)
        let warnings = (result.standardOutput + result.standardError).split(separator: "\n").filter { $0.contains("TLS is off") }
        #expect(warnings.count == 1, "\(result.standardError)")
    }
}
