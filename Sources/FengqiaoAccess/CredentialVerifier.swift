import FengqiaoSecurity
import Foundation
import Synchronization

/// A credential as its issuer stores it: never the secret, only its hash.
public struct StoredCredential: Sendable, Hashable {
    public var id: Int64
    /// SHA-256 of the secret.
    public var secretHash: Data
    public var caller: Caller
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(id: Int64, secretHash: Data, caller: Caller, expiresAt: Date?, revokedAt: Date?) {
        self.id = id
        self.secretHash = secretHash
        self.caller = caller
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// Where credentials are looked up: the registry's table, or the registry over RPC.
public protocol CredentialSource: Sendable {
    /// The credential with this id, or `nil`.
    func credential(id: Int64) async throws -> StoredCredential?
}

/// Why a credential was refused; all answer UNAUTHENTICATED, and the message says which.
public enum AuthenticationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    case missing
    case malformed
    case unknown
    case expired
    case revoked

    public var description: String {
        switch self {
        case .missing: "a credential is required (authorization: Bearer <token>)"
        case .malformed: "the credential is malformed"
        case .unknown: "the credential is not valid"
        case .expired: "the credential has expired"
        case .revoked: "the credential has been revoked"
        }
    }
}

/// Verifies tokens against a ``CredentialSource`` through a short-lived cache, so a service does
/// not look every call's credential up, and a revocation takes effect everywhere within
/// ``timeToLive`` (30 seconds by default).
///
/// ```swift
/// let verifier = CredentialVerifier(source: RegistryCredentials(pool: pool))
/// let caller = try await verifier.authenticate(token: "fq_12_…")
/// ```
public final class CredentialVerifier: Sendable {
    private struct Entry {
        var credential: StoredCredential?
        var fetchedAt: ContinuousClock.Instant
    }

    public let source: any CredentialSource
    /// How long a looked-up credential is trusted. An id with no credential is not remembered: it
    /// may be issued a moment later (a new database's first credential is id 1 again).
    public let timeToLive: Duration
    private let cache = Mutex<[Int64: Entry]>([:])
    private let now: @Sendable () -> Date

    public init(source: any CredentialSource, timeToLive: Duration = .seconds(30), now: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
        self.timeToLive = timeToLive
        self.now = now
    }

    /// The caller a token stands for.
    ///
    /// - Throws: ``AuthenticationFailure``.
    public func authenticate(token: String) async throws -> Caller {
        guard let parsed = Self.parse(token), let id = Int64(parsed.id), id > 0 else {
            throw AuthenticationFailure.malformed
        }
        let credential = try await lookUp(id)
        guard let credential, parsed.secret.matches(hash: credential.secretHash) else {
            throw AuthenticationFailure.unknown
        }
        try check(credential)
        return credential.caller
    }

    /// The credential id a well-formed token names, whether or not its secret is right.
    static func claimedID(in token: String) -> Int64? {
        parse(token).flatMap { Int64($0.id) }.flatMap { $0 > 0 ? $0 : nil }
    }

    private static func parse(_ token: String) -> CredentialToken? {
        try? CredentialToken(parsing: token.hasPrefix("Bearer ") ? String(token.dropFirst(7)) : token)
    }

    /// The caller behind a credential id, for a call a service relays; the credential must be live.
    public func caller(credentialID: Int64) async throws -> Caller {
        guard let credential = try await lookUp(credentialID) else { throw AuthenticationFailure.unknown }
        try check(credential)
        return credential.caller
    }

    /// Forgets cached credentials, so the next call looks them up again.
    public func forget(credentialID: Int64? = nil) {
        cache.withLock { cache in
            if let credentialID { cache[credentialID] = nil } else { cache.removeAll() }
        }
    }

    private func check(_ credential: StoredCredential) throws {
        if credential.revokedAt != nil { throw AuthenticationFailure.revoked }
        if let expiry = credential.expiresAt, expiry <= now() { throw AuthenticationFailure.expired }
    }

    private func lookUp(_ id: Int64) async throws -> StoredCredential? {
        let clock = ContinuousClock.now
        if let entry = cache.withLock({ $0[id] }), clock - entry.fetchedAt < timeToLive {
            return entry.credential
        }
        let credential = try await source.credential(id: id)
        guard credential != nil else { return nil }
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[id] = Entry(credential: credential, fetchedAt: clock)
        }
        return credential
    }
}
