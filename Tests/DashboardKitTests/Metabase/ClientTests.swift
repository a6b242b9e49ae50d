import DashboardKit
import Foundation
import RGCore
import TestSupport
import Testing

/// Metabase's failures as one line each, naming the step and the object, never a secret; retries where they are safe.
@Suite struct ClientTests {
    func client(_ fake: FakeMetabase, key: String? = nil, timeout: Int = 10) throws -> MetabaseClient {
        try MetabaseClient(
            baseURL: fake.baseURL, credentials: .apiKey(key ?? fake.apiKey), timeoutSeconds: timeout,
            backoffSeconds: 0.01)
    }

    @Test func aWrongKeyIsOneLineThatNamesTheStepAndNotTheKey() throws {
        let fake = try FakeMetabase()
        let key = "mb_wrong_" + UUID().uuidString
        #expect {
            try client(fake, key: key).send("GET", "/api/database", step: "listing Metabase's databases")
        } throws: {
            error in
            let text = "\(error)"
            return text == "listing Metabase's databases: 401 Unauthenticated (check METABASE_API_KEY)"
                && ExitCategory.of(error) == .failed && !text.contains(key)
        }
        #expect(fake.count("GET") == 1)  // a 401 is not retried
    }

    @Test func aValidationErrorNamesTheField() throws {
        let fake = try FakeMetabase()
        let body = JSONValue.object([
            ("name", .string("Won revenue")), ("display", .string("bar")), ("dataset_query", .string("SELECT 1")),
            ("visualization_settings", .object([])),
        ])
        #expect {
            try client(fake).send("POST", "/api/card", body: body, step: "card 'Won revenue' (Revenue per Package)")
        } throws: { error in
            "\(error)" == "card 'Won revenue' (Revenue per Package): 400 dataset_query: value must be a map."
        }
    }

    @Test func forbiddenAndNotFoundAreOneLineEach() throws {
        let fake = try FakeMetabase()
        fake.inject(.init(method: "GET", pathPrefix: "/api/database", status: 403))
        #expect { try client(fake).send("GET", "/api/database", step: "listing") } throws: {
            "\($0)".hasPrefix("listing: 403 ") && "\($0)".contains("lacks access")
        }
        #expect { try client(fake).send("GET", "/api/card/999", step: "card 'X' (Y)") } throws: {
            "\($0)" == "card 'X' (Y): 404 Not found."
        }
        #expect(try client(fake).getIfPresent("/api/card/999", step: "card") == nil)
        // The endpoint Metabase removed in v0.47.
        #expect { try client(fake).send("POST", "/api/dashboard/1/cards", body: .object([]), step: "old") } throws: {
            "\($0)".hasPrefix("old: 404")
        }
    }

    @Test func getsAndPutsAreRetriedOnServerErrorsThreeTimesAtMost() throws {
        let fake = try FakeMetabase()
        fake.inject(.init(method: "GET", pathPrefix: "/api/database", nth: 1, status: 500))
        fake.inject(.init(method: "GET", pathPrefix: "/api/database", nth: 2, status: 502))
        _ = try client(fake).send("GET", "/api/database", step: "listing")
        #expect(fake.count("GET") == 3)
        fake.resetCounts()
        for nth in 1...3 { fake.inject(.init(method: "GET", pathPrefix: "/api/database", nth: nth, status: 503)) }
        #expect { try client(fake).send("GET", "/api/database", step: "listing") } throws: {
            "\($0)" == "listing: 503 Injected failure"
        }
        #expect(fake.count("GET") == 3)
        // A POST is sent once: the importer decides whether to send it again.
        fake.resetCounts()
        fake.inject(.init(method: "POST", pathPrefix: "/api/collection", status: 500))
        #expect(throws: DashboardError.self) {
            try client(fake).send("POST", "/api/collection", body: .object([("name", .string("x"))]), step: "c")
        }
        #expect(fake.count("POST") == 1)
    }

    @Test func aSlowServerIsATimeoutNamingTheOption() throws {
        let fake = try FakeMetabase()
        fake.delay = 2.5
        #expect { try client(fake, timeout: 1).send("GET", "/api/database", step: "listing") } throws: { error in
            "\(error)".contains("gave no answer within 1 s (--timeout)") && ExitCategory.of(error) == .failed
        }
    }

    @Test func aRefusedConnectionIsOneLine() throws {
        let fake = try FakeMetabase()
        let url = fake.baseURL
        fake.stop()
        let client = try MetabaseClient(baseURL: url, credentials: .apiKey("k-secret"), backoffSeconds: 0.01)
        #expect { try client.send("GET", "/api/database", step: "listing") } throws: {
            "\($0)".hasPrefix("listing: cannot reach Metabase at \(url): ") && !"\($0)".contains("k-secret")
        }
    }

    @Test func aWrongPasswordIsOneLoginAndNoPassword() throws {
        let fake = try FakeMetabase()
        let client = try MetabaseClient(
            baseURL: fake.baseURL, credentials: .password(user: fake.user, password: "wrong-password-123"))
        #expect { try client.send("GET", "/api/database", step: "listing") } throws: {
            "\($0)".hasPrefix("signing in to Metabase as '\(fake.user)': 401")
                && !"\($0)".contains("wrong-password-123")
        }
        #expect(fake.count("POST") == 1)
    }

    @Test func secretsAreRedactedFromServerMessages() throws {
        let fake = try FakeMetabase()
        let client = try MetabaseClient(
            baseURL: fake.baseURL, credentials: .apiKey(fake.apiKey), extraSecrets: ["reader-pw-42"])
        #expect(client.redacted("echo \(fake.apiKey) and reader-pw-42") == "echo [redacted] and [redacted]")
        #expect(throws: DashboardError.self) {
            try MetabaseClient(baseURL: "http://user:pw@host", credentials: .apiKey("k"))
        }
        #expect { try MetabaseClient(baseURL: "ftp://user:topsecret@host", credentials: .apiKey("k")) } throws: {
            !"\($0)".contains("topsecret")
        }
    }
}
