import FengqiaoPostgres
import FengqiaoTestSupport
import Testing

@Suite struct ConfigurationTests {
    @Test func readsURL() throws {
        let configuration = try PostgresConfiguration(
            "postgres://registry:s3cret@127.0.0.1:6543/fengqiao?sslmode=disable&connect_timeout=5")
        #expect(configuration.user == "registry")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == "6543")
        #expect(configuration.database == "fengqiao")
        #expect(configuration["sslmode"] == "disable")
        #expect(configuration["connect_timeout"] == "5")
        #expect(configuration["password"] == "s3cret")
        #expect(configuration.target == "registry@127.0.0.1:6543/fengqiao")
        #expect(!"\(configuration)".contains("s3cret"))
    }

    @Test func readsKeywordValueString() throws {
        let configuration = try PostgresConfiguration("host=db.local port=5433 dbname=fengqiao user=owner password=pw")
        #expect(configuration.target == "owner@db.local:5433/fengqiao")
        #expect(configuration["client_encoding"] == "UTF8")
    }

    @Test(arguments: ["postgres://user@host:notaport/db?bad", "host='unterminated", "nonsense_keyword=1"])
    func refusesMalformedStrings(_ text: String) {
        #expect {
            try PostgresConfiguration(text)
        } throws: { error in
            (error as? PostgresError)?.code == .invalidConfiguration
        }
    }
}

@Suite struct ConnectionErrorTests {
    @Test func wrongPasswordIsAuthenticationFailedAndHidesThePassword() async throws {
        var configuration = try TestPostgres.ownerConfiguration()
        configuration["password"] = "wrong-password-7731"
        let error = try await #require(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(to: configuration)
        }
        #expect(error.code == .authenticationFailed)
        #expect(!error.debugDescription.contains("wrong-password-7731"))
        #expect(error.reason.contains(configuration.user ?? "?"))
    }

    @Test func missingDatabase() async throws {
        var configuration = try TestPostgres.ownerConfiguration()
        configuration["dbname"] = "no_such_database_fq"
        let error = try await #require(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(to: configuration)
        }
        #expect(error.code == .databaseMissing)
        #expect(error.reason.contains("no_such_database_fq"))
    }

    @Test func unreachableServer() async throws {
        var configuration = try TestPostgres.ownerConfiguration()
        configuration["port"] = "1"  // nothing listens on port 1 of loopback
        let error = try await #require(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(to: configuration)
        }
        #expect(error.code == .unreachable)
        #expect(error.isUnavailable)
    }
}
