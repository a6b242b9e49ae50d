import Foundation
import HTTPClient
import TestSupport
import Testing

@Suite struct HTTPClientTests {
    @Test func sendsMethodHeadersAndBodyAndReadsTheResponse() throws {
        let server = try FakeHTTPServer { request in
            .init(status: 201, headers: [("Content-Type", "application/json"), ("X-Echo", request.headers["x-session"] ?? "")], body: "{\"id\":7}")
        }
        let response = try HTTPClient.send(
            HTTPRequest(method: "POST", url: server.baseURL + "/api/card?x=1", headers: [("X-Session", "abc"), ("Content-Type", "application/json")], body: Array("{\"name\":\"Pipeline Velocity\"}".utf8)))
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
            try HTTPClient.send(HTTPRequest(url: "http://admin:hunter2@127.0.0.1:\(port)/api/session?token=s3cret", timeoutSeconds: 2))
        }
        #expect(error?.description.hasPrefix("GET http://127.0.0.1:\(port)/api/session failed: ") == true)
        #expect(error?.description.contains("hunter2") == false && error?.description.contains("s3cret") == false)
    }

    @Test func aSlowServerTimesOut() throws {
        let server = try FakeHTTPServer { _ in .init(status: 200, body: "late", delay: 3) }
        let error = #expect(throws: HTTPError.self) { try HTTPClient.send(HTTPRequest(url: server.baseURL + "/slow", timeoutSeconds: 1)) }
        #expect(error?.reason.lowercased().contains("timeout") == true)
    }

    @Test func headerInjectionIsRefused() {
        #expect(throws: HTTPError.self) {
            try HTTPClient.send(HTTPRequest(url: "http://127.0.0.1:1/", headers: [("X-A", "b\r\nX-Evil: 1")]))
        }
    }

    @Test func otherSchemesAreRefused() {
        let error = #expect(throws: HTTPError.self) { try HTTPClient.send(HTTPRequest(url: "file:///etc/passwd")) }
        #expect(error?.reason == "only http:// and https:// URLs are supported")
    }
}
