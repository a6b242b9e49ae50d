import CCurl
import Foundation

/// An HTTP request: method, URL, headers and body. Header values may hold secrets (tokens): they are sent, never
/// printed — `HTTPError` names method, host and path only.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whole-request timeout.
    public var timeoutSeconds: Int

    public init(method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8]? = nil, timeoutSeconds: Int = 30) {
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

public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public var method: String
    /// Scheme, host, port and path: never the query string or user info, which may carry secrets.
    public var target: String
    public var reason: String

    public var description: String { "\(method) \(target) failed: \(reason)" }
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
        func failure(_ reason: String) -> HTTPError { HTTPError(method: request.method, target: target, reason: reason) }
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw failure("only http:// and https:// URLs are supported")
        }
        guard let handle = curl_easy_init() else { throw failure("libcurl could not create a handle") }
        defer { curl_easy_cleanup(handle) }

        let sink = ResponseSink(limit: maximumResponseBytes)
        let context = Unmanaged.passUnretained(sink).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            guard !header.name.contains(where: { $0 == ":" || $0 == "\r" || $0 == "\n" }),
                !header.value.contains(where: { $0 == "\r" || $0 == "\n" })
            else { throw failure("header '\(header.name)' has a forbidden character") }
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
            rg_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
                guard let data, let context else { return 0 }
                return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().appendBody(data, size * count)
            }),
            rg_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context),
            rg_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, { data, size, count, context in
                guard let data, let context else { return 0 }
                return Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue().appendHeader(data, size * count)
            }),
            rg_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context),
        ]
        if let body = request.body {
            setup.append(rg_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count))
            setup.append(body.withUnsafeBufferPointer { buffer in
                rg_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!))
            })
        }
        if let failed = setup.first(where: { $0 != CURLE_OK }) { throw failure(message(failed)) }

        let code = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        if sink.overflowed { throw failure("the response is larger than \(maximumResponseBytes >> 20) MiB") }
        guard code == CURLE_OK else { throw failure(message(code)) }
        var status = 0
        _ = rg_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
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
        data.withMemoryRebound(to: UInt8.self, capacity: length) { body.append(contentsOf: UnsafeBufferPointer(start: $0, count: length)) }
        return length
    }

    func appendHeader(_ data: UnsafeMutablePointer<CChar>, _ length: Int) -> Int {
        let line = data.withMemoryRebound(to: UInt8.self, capacity: length) { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
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
