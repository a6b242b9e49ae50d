import Foundation
import TestSupport

// The tests' fake Metabase as a server of its own, for bench/dashboards.sh: prints its base URL and key on
// standard output and serves until killed. FAKE_METABASE_PORT picks the port (default: any free one);
// FAKE_METABASE_API_KEY, FAKE_METABASE_USER and FAKE_METABASE_PASSWORD set the credentials.
// `GET /__fake/counts` answers the requests counted by method; `POST /__fake/reset-counts` starts again.
let environment = ProcessInfo.processInfo.environment
let fake = try FakeMetabase(
    apiKey: environment["FAKE_METABASE_API_KEY"] ?? "mb_bench_key",
    user: environment["FAKE_METABASE_USER"] ?? "admin@example.com",
    password: environment["FAKE_METABASE_PASSWORD"] ?? "bench-password",
    port: Int(environment["FAKE_METABASE_PORT"] ?? "0") ?? 0)
for name in (environment["FAKE_METABASE_DATABASES"] ?? "").split(separator: ",") {
    _ = fake.addDatabase(name: String(name))
}
// write(2): unbuffered, so a script reading the first line gets it at once.
let line = Array((fake.baseURL + "\n").utf8)
_ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
while true { sleep(3600) }
