import Foundation
import HTTPClient
import RGCore
import TestSupport
import Testing

@Suite struct HTTPClientTests {
    @Test func sendsMethodHeadersAndBodyAndReadsTheResponse() throws {
        let server = try FakeHTTPServer { request in
            .init(
                status: 201,
                headers: [("Content-Type", "application/json"), ("X-Echo", request.headers["x-session"] ?? "")],
                body: "{\"id\":7}")
        }
        let response = try HTTPClient.send(
            HTTPRequest(
                method: "POST", url: server.baseURL + "/api/card?x=1",
                headers: [("X-Session", "abc"), ("Content-Type", "application/json")],
                body: Array("{\"name\":\"Pipeline Velocity\"}".utf8)))
        #expect(response.status == 201)
        #expect(response.text == "{\"id\":7}")
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["x-echo"] == "abc")
        let seen = try #require(server.requests.first)
        #expect(seen.method == "POST" && seen.path == "/api/card?x=1")
        #expect(seen.text == "{\"name\":\"Pipeline Velocity\"}")
    }

    @Test func httpErrorsAreResponsesNotThrows() throws {
        let server = try FakeHTTPServer { _ in .init(status: 404, body: "Not found.") }
        let response = try HTTPClient.send(HTTPRequest(url: server.baseURL + "/api/dashboard/999"))
        #expect(response.status == 404 && response.text == "Not found.")
    }

    @Test func aRefusedConnectionNamesTargetButNeverItsSecrets() throws {
        let closed = try ListeningSocket()
        let port = closed.port
        _ = consume closed
        let error = #expect(throws: HTTPError.self) {
            try HTTPClient.send(
                HTTPRequest(url: "http://admin:hunter2@127.0.0.1:\(port)/api/session?token=s3cret", timeoutSeconds: 2))
        }
        #expect(error?.description.hasPrefix("GET http://127.0.0.1:\(port)/api/session failed: ") == true)
        #expect(error?.kind == .connection && error?.category == .failed)
        #expect(error?.description.contains("hunter2") == false && error?.description.contains("s3cret") == false)
    }

    @Test func aSlowServerTimesOut() throws {
        let server = try FakeHTTPServer { _ in .init(status: 200, body: "late", delay: 3) }
        let error = #expect(throws: HTTPError.self) {
            try HTTPClient.send(HTTPRequest(url: server.baseURL + "/slow", timeoutSeconds: 1))
        }
        #expect(error?.reason.lowercased().contains("timeout") == true)
        #expect(error?.kind == .timeout && error?.category == .failed)
    }

    /// Refused before anything is sent, to a server that would answer: "\r\n" is one Swift Character, so a check by
    /// Characters lets it through.
    @Test(arguments: [
        ("X-A", "b\r\nX-Evil: 1"), ("X-A", "b\nX-Evil: 1"), ("X-A", "b\rX-Evil: 1"), ("X-A", "b\u{0}c"),
        ("X-A\r\nX-Evil", "1"), ("X-A: b", "1"),
    ])
    func headerInjectionIsRefused(name: String, value: String) throws {
        let server = try FakeHTTPServer { _ in .init(status: 200, body: "ok") }
        let error = #expect(throws: HTTPError.self) {
            try HTTPClient.send(HTTPRequest(url: server.baseURL + "/", headers: [(name, value)]))
        }
        #expect(error?.kind == .invalidHeader && error?.category == .usage)
        #expect(server.requests.isEmpty)
    }

    /// A Metabase or Vault URL with a typo is bad input (exit 2), not a failed request: whether rg-crm or libcurl
    /// finds the fault.
    @Test(arguments: [
        "file:///etc/passwd", "metabase.example/api", "http://[::1/api", "http://exa mple.com/api", "https://",
    ])
    func aMalformedURLIsBadInput(url: String) {
        let error = #expect(throws: HTTPError.self) { try HTTPClient.send(HTTPRequest(url: url, timeoutSeconds: 2)) }
        #expect(error?.kind == .invalidURL, "\(String(describing: error))")
        #expect(error?.category == .usage)
    }

    @Test func aStatusTheCallerCannotUseIsAFailedRequestWithoutSecrets() throws {
        let server = try FakeHTTPServer { _ in .init(status: 503, body: "down") }
        let request = HTTPRequest(
            url: server.baseURL.replacingOccurrences(of: "://", with: "://admin:hunter2@") + "/api/health?token=s3cret")
        let response = try HTTPClient.send(request)
        let error = HTTPError.status(response, of: request)
        #expect(error.kind == .status && error.category == .failed)
        #expect(error.description == "GET \(server.baseURL)/api/health failed: HTTP 503")
    }

    @Test func otherSchemesAreRefused() {
        let error = #expect(throws: HTTPError.self) { try HTTPClient.send(HTTPRequest(url: "file:///etc/passwd")) }
        #expect(error?.reason == "only http:// and https:// URLs are supported")
    }
}
