import CCurl
import Foundation
import RGCore

/// An HTTP request: method, URL, headers and body. Header values may hold secrets (tokens): they are sent, never
/// printed — `HTTPError` names method, host and path only.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whole-request timeout.
    public var timeoutSeconds: Int

    public init(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil,
        timeoutSeconds: Int = 30
    ) {
        self.method = method
        self.url = url
        self.headers = headers.map { (name: $0.0, value: $0.1) }
        self.body = body
        self.timeoutSeconds = timeoutSeconds
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lowercased; a repeated header keeps its last value.
    public var headers: [String: String]
    public var body: [UInt8]

    public var text: String { String(decoding: body, as: UTF8.self) }
}

public struct HTTPError: RGError, Sendable {
    public enum Kind: Sendable, Hashable {
        /// The URL is malformed or not http(s): bad input.
        case invalidURL
        /// A header name or value holds a forbidden character: bad input.
        case invalidHeader
        /// The host could not be resolved or reached, or the connection broke.
        case connection
        case timeout
        /// The TLS handshake or the server's certificate failed.
        case tls
        /// The server answered with a status the caller cannot use (`HTTPError.status(_:of:)`).
        case status
        /// The response could not be received whole (too large), or libcurl could not be set up.
        case transfer
    }

    public var kind: Kind
    public var method: String
    /// Scheme, host, port and path: never the query string or user info, which may carry secrets.
    public var target: String
    public var reason: String

    public init(kind: Kind, method: String, target: String, reason: String) {
        self.kind = kind
        self.method = method
        self.target = target
        self.reason = reason
    }

    /// A malformed URL or header is bad input (a Metabase or Vault URL with a typo); everything else is a failed
    /// request.
    public var category: ExitCategory {
        switch kind {
        case .invalidURL, .invalidHeader: .usage
        case .connection, .timeout, .tls, .status, .transfer: .failed
        }
    }

    public var description: String { "\(method) \(target) failed: \(reason)" }

    /// A response whose status the caller cannot use, as an error: `GET https://host/api/x failed: HTTP 503`.
    public static func status(_ response: HTTPResponse, of request: HTTPRequest) -> HTTPError {
        HTTPError(
            kind: .status, method: request.method, target: HTTPClient.redactedTarget(request.url),
            reason: "HTTP \(response.status)")
    }
}

/// HTTP through libcurl: the only module that touches it. One easy handle per request, so it is safe to use
/// from many tasks at once.
public enum HTTPClient {
    /// Responses larger than this are refused while they stream in.
    public static let maximumResponseBytes = 64 << 20

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public static func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        _ = globalInit
        let target = redactedTarget(request.url)
        func failure(_ kind: HTTPError.Kind, _ reason: String) -> HTTPError {
            HTTPError(kind: kind, method: request.method, target: target, reason: reason)
        }
        func curlFailure(_ code: CURLcode) -> HTTPError { failure(HTTPClient.kind(of: code), HTTPClient.message(code)) }
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw failure(.invalidURL, "only http:// and https:// URLs are supported")
        }
        guard let handle = curl_easy_init() else { throw failure(.transfer, "libcurl could not create a handle") }
        defer { curl_easy_cleanup(handle) }

        let sink = ResponseSink(limit: maximumResponseBytes)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            // By bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n". A NUL would cut
            // the C string libcurl is given.
            let forbidden: Set<UInt8> = [0, UInt8(ascii: "\r"), UInt8(ascii: "\n")]
            guard !header.name.utf8.contains(where: { forbidden.contains($0) || $0 == UInt8(ascii: ":") }),
                !header.value.utf8.contains(where: forbidden.contains)
            else { throw failure(.invalidHeader, "header '\(header.name)' has a forbidden character") }
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }
        // Body: libcurl copies it (COPYPOSTFIELDS), so no Swift memory has to outlive this call.
        var setup: [CURLcode] = [
            rg_curl_setopt_string(handle, CURLOPT_URL, request.url),
            rg_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method),
            rg_curl_setopt_long(handle, CURLOPT_TIMEOUT, request.timeoutSeconds),
            rg_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            rg_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
            rg_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            rg_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList),
            rg_curl_setopt_callback(
                handle, CURLOPT_WRITEFUNCTION,
                { data, size, count, context in
                    guard let data, let context else { return 0 }
                    return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().appendBody(
                        data, size * count)
                }),
            rg_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
            rg_curl_setopt_callback(
                handle, CURLOPT_HEADERFUNCTION,
                { data, size, count, context in
                    guard let data, let context else { return 0 }
                    return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().appendHeader(
                        data, size * count)
                }),
            rg_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context),
        ]
        if let body = request.body {
            setup.append(rg_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count))
            setup.append(
                body.withUnsafeBufferPointer { buffer in
                    rg_curl_setopt_pointer(
                        handle, CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!))
                })
        }
        if let failed = setup.first(where: { $0 != CURLE_OK }) { throw curlFailure(failed) }

        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        if sink.overflowed { throw failure(.transfer, "the response is larger than \(maximumResponseBytes >> 20) MiB") }
        guard code == CURLE_OK else { throw curlFailure(code) }
        var status = 0
        _ = rg_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// What a libcurl error code means for the caller: a URL it cannot parse is bad input, the rest failed requests.
    static func kind(of code: CURLcode) -> HTTPError.Kind {
        switch code {
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: .invalidURL
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
            CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED:
            .tls
        case CURLE_WRITE_ERROR, CURLE_OUT_OF_MEMORY, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_UNKNOWN_OPTION,
            CURLE_NOT_BUILT_IN, CURLE_FAILED_INIT:
            .transfer
        default: .connection
        }
    }

    private static func message(_ code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "libcurl error \(code.rawValue)"
    }

    /// `https://user:pw@host:3000/api/x?token=…` → `https://host:3000/api/x`.
    static func redactedTarget(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "(invalid URL)" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(components.scheme ?? "http")://\(host)\(port)\(components.path)"
    }
}

/// Collects a response while libcurl streams it; only touched from libcurl's callbacks on the calling thread.
private final class ResponseSink {
    var body: [UInt8] = []
    var headers: [String: String] = [:]
    var overflowed = false
    let limit: Int

    init(limit: Int) { self.limit = limit }

    func appendBody(_ data: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        guard body.count + length <= limit else {
            overflowed = true
            return 0  // tells libcurl to stop
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) {
            body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
        return length
    }

    func appendHeader(_ data: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            headers = [:]  // a new response (after 100 Continue): keep only the final one's headers
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            headers[name] = value
        }
        return length
    }
}
