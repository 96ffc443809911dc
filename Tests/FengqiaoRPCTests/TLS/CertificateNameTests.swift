import Testing

@testable import FengqiaoRPC

@Suite("Certificate names")
struct CertificateNameTests {
    @Test(
        "a server name matches the certificate's DNS names",
        arguments: [
            ("registry.gaj.example", ["registry.gaj.example"], true),
            ("Registry.GAJ.example.", ["registry.gaj.example"], true),
            ("registry.gaj.example", ["localhost", "*.gaj.example"], true),
            ("gaj.example", ["*.gaj.example"], false),  // a wildcard stands for one label, never none
            ("a.registry.gaj.example", ["*.gaj.example"], false),  // nor two
            ("registry.example", ["*.example"], false),  // nor a whole domain under a top-level one
            ("registry.gaj.example", ["registry.gaj.example.cn"], false),
            ("registry.gaj.example", [], false),
            ("", ["registry.gaj.example"], false),
            ("registry..example", ["registry..example"], false),
        ])
    func matches(name: String, dnsNames: [String], expected: Bool) {
        #expect(CertificateName.matches(name, dnsNames: dnsNames) == expected)
    }
}
