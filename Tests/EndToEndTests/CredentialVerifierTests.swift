import FengqiaoAccess
import FengqiaoSecurity
import Foundation
import Synchronization
import Testing

/// The verifier's cache remembers credentials, not their absence.
@Suite struct CredentialVerifierTests {
    /// A credential store whose one credential can appear after the first look-up.
    final class Store: CredentialSource {
        let stored = Mutex<StoredCredential?>(nil)
        let lookUps = Mutex(0)

        func credential(id: Int64) async throws -> StoredCredential? {
            lookUps.withLock { $0 += 1 }
            return stored.withLock { $0?.id == id ? $0 : nil }
        }
    }

    @Test func aCredentialIssuedAfterAFailedLookUpIsAcceptedAtOnce() async throws {
        let store = Store()
        let verifier = CredentialVerifier(source: store)
        let secret = CredentialSecret.generate()
        let token = try CredentialToken(id: "1", secret: secret).text
        await #expect(throws: AuthenticationFailure.unknown) { try await verifier.authenticate(token: token) }
        // A new database's bootstrap admin gets id 1 again.
        store.stored.withLock {
            $0 = StoredCredential(id: 1, secretHash: secret.hash(), caller: Caller(credentialID: 1, role: .countyAdmin), expiresAt: nil, revokedAt: nil)
        }
        #expect(try await verifier.authenticate(token: token).role == .countyAdmin)
        // Once found, it is remembered: no further look-ups for a while.
        #expect(try await verifier.authenticate(token: token).role == .countyAdmin)
        #expect(store.lookUps.withLock { $0 } == 2)
    }
}
