import Foundation
import Testing

@testable import RGCore

/// The check-result model and its four formats, against written-out examples.
@Suite struct CheckResultTests {
    /// One of each status, in two groups.
    static let sample: [CheckResult] = [
        CheckResult(
            id: "db.rls.forced", group: "db", title: "row-level security is forced", status: .pass,
            duration: .milliseconds(12)),
        CheckResult(
            id: "db.roles.nologin", group: "db", title: "tenant roles cannot log in", status: .fail,
            duration: .milliseconds(3), message: "role mrdj_app can log in", remediation: "ALTER ROLE mrdj_app NOLOGIN",
            location: .init(file: "configs/tenants/mrdj/tenant.json", line: 3, column: 5)),
        CheckResult(
            id: "http.metabase", group: "http", title: "Metabase answers", status: .skip,
            message: "no Metabase URL configured"),
        CheckResult(
            id: "http.vault", group: "http", title: "Vault answers", status: .error, duration: .milliseconds(1500),
            message: "cannot connect to vault.example:8200: connection refused", remediation: "is Vault running?"),
    ]

    static let context = CheckReportContext(name: "rg-crm smoke")

    /// Text a server or a file could put in a message: markup, quotes, line breaks, a terminal escape, NUL, a bare
    /// CR, a right-to-left override, and what would close a CDATA section or a TAP YAML block.
    static let hostile =
        "a<b & \"c\" 'd'\n\u{1B}[31mred\u{0}\r\u{202E}x]]>\n  ...\nnot ok 99 - forged\u{85}\u{2028}\u{FFFE}\u{7F}"

    @Test func summaryCountsEachStatusAndAddsTheDurations() {
        let summary = CheckSummary(Self.sample)
        #expect(summary.total == 4 && summary.passed == 1 && summary.failed == 1)
        #expect(summary.skipped == 1 && summary.errors == 1)
        #expect(summary.duration == .milliseconds(1515))
        #expect(!summary.succeeded)
        #expect(CheckSummary(Self.sample.filter { $0.status == .pass || $0.status == .skip }).succeeded)
        #expect(CheckSummary([]).succeeded && CheckSummary([]).total == 0)
    }

    @Test func durationsAsMillisecondsAndSeconds() {
        #expect(Duration.milliseconds(1500).secondsText == "1.500")
        #expect(Duration.milliseconds(7).secondsText == "0.007")
        #expect(Duration.microseconds(2_999).wholeMilliseconds == 2)
        #expect(Duration.seconds(62).secondsText == "62.000")
        #expect(Duration.zero.secondsText == "0.000")
        #expect(Duration.milliseconds(-5).wholeMilliseconds == 0)
    }

    @Test func locationsReadLikeAFindingsPosition() {
        let finding = Diagnostic(file: "a.yaml", line: 2, column: 7, severity: .error, rule: "r", message: "m")
        #expect(CheckResult.Location(finding).description == "a.yaml:2:7")
        #expect(CheckResult.Location(file: "a.yaml", line: 2).description == "a.yaml:2")
        #expect(CheckResult.Location(file: "a.yaml").description == "a.yaml")
    }

    @Test func text() {
        let expected = """
            PASS  db.rls.forced  row-level security is forced (12 ms)
            FAIL  db.roles.nologin  tenant roles cannot log in (3 ms)
                  role mrdj_app can log in
                  fix: ALTER ROLE mrdj_app NOLOGIN
                  at: configs/tenants/mrdj/tenant.json:3:5
            SKIP  http.metabase  Metabase answers (0 ms)
                  no Metabase URL configured
            ERROR http.vault  Vault answers (1500 ms)
                  cannot connect to vault.example:8200: connection refused
                  fix: is Vault running?
            4 checks: 1 passed, 1 failed, 1 skipped, 1 error (1.515 s)

            """
        #expect(CheckFormat.text.formatter.render(Self.sample, context: Self.context) == expected)
        #expect(
            CheckFormat.text.formatter.render([], context: Self.context)
                == "0 checks: 0 passed, 0 failed, 0 skipped, 0 errors (0.000 s)\n")
        let coloured = CheckFormat.text.formatter.render(Self.sample, context: CheckReportContext(colour: true))
        #expect(coloured.hasPrefix("\u{1B}[1;32mPASS\u{1B}[0m  db.rls.forced"))
        #expect(coloured.contains("\u{1B}[1;35mERROR\u{1B}[0m http.vault"))
    }

    @Test func textNeverPrintsAControlCharacterRaw() {
        let result = CheckResult(id: "x", group: "g", title: "t", status: .fail, message: Self.hostile)
        let text = CheckFormat.text.formatter.render([result], context: Self.context)
        #expect(text.split(separator: "\n").count == 3, "one line per part: \(text)")
        #expect(!text.unicodeScalars.contains { TerminalText.isUnsafe($0) && $0 != "\n" })
        #expect(text.contains("\\u{1B}[31mred\\0\\r\\u{202E}x"))
    }

    @Test func json() throws {
        let text = CheckFormat.json.formatter.render(Self.sample, context: Self.context)
        let expectedStart = """
            {
              "name": "rg-crm smoke",
              "summary": {
                "total": 4,
                "passed": 1,
                "failed": 1,
                "skipped": 1,
                "errors": 1,
                "duration_ms": 1515
              },
              "results": [
                {
                  "id": "db.rls.forced",
                  "group": "db",
                  "title": "row-level security is forced",
                  "status": "pass",
                  "duration_ms": 12,
                  "message": null,
                  "remediation": null,
                  "location": null
                },
                {
                  "id": "db.roles.nologin",
                  "group": "db",
                  "title": "tenant roles cannot log in",
                  "status": "fail",
                  "duration_ms": 3,
                  "message": "role mrdj_app can log in",
                  "remediation": "ALTER ROLE mrdj_app NOLOGIN",
                  "location": {
                    "file": "configs/tenants/mrdj/tenant.json",
                    "line": 3,
                    "column": 5
                  }
                },
            """
        #expect(text.hasPrefix(expectedStart))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let results = try #require(parsed["results"] as? [[String: Any]])
        #expect(results.map { $0["status"] as? String } == ["pass", "fail", "skip", "error"])
        #expect(results.allSatisfy { Set($0.keys) == Set(Self.jsonKeys) })
        let hostile = CheckResult(id: "x", group: "g", title: "t", status: .fail, message: Self.hostile)
        let round = try #require(
            try JSONSerialization.jsonObject(
                with: Data(CheckFormat.json.formatter.render([hostile], context: Self.context).utf8)) as? [String: Any])
        #expect((round["results"] as? [[String: Any]])?.first?["message"] as? String == Self.hostile)
    }

    static let jsonKeys = ["id", "group", "title", "status", "duration_ms", "message", "remediation", "location"]

    @Test func junit() {
        let expected = """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="rg-crm smoke" tests="4" failures="1" errors="1" time="1.515">
              <testsuite name="db" tests="2" failures="1" errors="0" skipped="0" time="0.015">
                <testcase name="db.rls.forced: row-level security is forced" classname="db" time="0.012"/>
                <testcase name="db.roles.nologin: tenant roles cannot log in" classname="db" time="0.003">
                  <failure message="role mrdj_app can log in" type="fail">role mrdj_app can log in
            fix: ALTER ROLE mrdj_app NOLOGIN
            at: configs/tenants/mrdj/tenant.json:3:5</failure>
                </testcase>
              </testsuite>
              <testsuite name="http" tests="2" failures="0" errors="1" skipped="1" time="1.500">
                <testcase name="http.metabase: Metabase answers" classname="http" time="0.000">
                  <skipped>no Metabase URL configured</skipped>
                </testcase>
                <testcase name="http.vault: Vault answers" classname="http" time="1.500">
                  <error message="cannot connect to vault.example:8200: connection refused" type="error">cannot connect to vault.example:8200: connection refused
            fix: is Vault running?</error>
                </testcase>
              </testsuite>
            </testsuites>

            """
        #expect(CheckFormat.junit.formatter.render(Self.sample, context: Self.context) == expected)
    }

    @Test func junitGroupsKeepTheirFirstOrderAndAnEmptyRunIsOneEmptyElement() {
        let interleaved = [Self.sample[2], Self.sample[0], Self.sample[3], Self.sample[1]]
        let text = CheckFormat.junit.formatter.render(interleaved, context: Self.context)
        let suites = text.split(separator: "\n").filter { $0.contains("<testsuite ") }
        #expect(suites.count == 2)
        #expect(suites.first?.contains("name=\"http\"") == true)
        #expect(
            CheckFormat.junit.formatter.render([], context: Self.context)
                == "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"rg-crm smoke\" tests=\"0\" failures=\"0\" errors=\"0\" time=\"0.000\">\n</testsuites>\n"
        )
    }

    @Test func xmlEscapingCoversMarkupLineBreaksAndWhatXML10CannotCarry() {
        #expect(
            XMLText.escaped(Self.hostile, inAttribute: true)
                == "a&lt;b &amp; &quot;c&quot; 'd'&#xA;\\u{1B}[31mred\\u{0}&#xD;&#x202E;x]]&gt;&#xA;  ...&#xA;not ok 99 - forged&#x85;&#x2028;\\u{FFFE}&#x7F;"
        )
        #expect(
            XMLText.escaped(Self.hostile, inAttribute: false)
                == "a&lt;b &amp; \"c\" 'd'\n\\u{1B}[31mred\\u{0}&#xD;&#x202E;x]]&gt;\n  ...\nnot ok 99 - forged&#x85;&#x2028;\\u{FFFE}&#x7F;"
        )
        #expect(XMLText.escaped("tab\there", inAttribute: true) == "tab&#x9;here")
        #expect(XMLText.escaped("tab\there", inAttribute: false) == "tab\there")
        #expect(XMLText.escaped("Zoë € 😀", inAttribute: true) == "Zoë € 😀")
        for value: UInt32 in [0x0, 0x8, 0xB, 0xC, 0xE, 0x1F, 0xFFFE, 0xFFFF] {
            #expect(!XMLText.isAllowed(Unicode.Scalar(value)!), "\(value)")
        }
        for value: UInt32 in [0x9, 0xA, 0xD, 0x20, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x10FFFF] {
            #expect(XMLText.isAllowed(Unicode.Scalar(value)!), "\(value)")
        }
    }

    @Test func tap() {
        let expected = """
            TAP version 13
            1..4
            ok 1 - db.rls.forced: row-level security is forced
              ---
              id: "db.rls.forced"
              group: "db"
              status: pass
              duration_ms: 12
              ...
            not ok 2 - db.roles.nologin: tenant roles cannot log in
              ---
              id: "db.roles.nologin"
              group: "db"
              status: fail
              duration_ms: 3
              message: "role mrdj_app can log in"
              remediation: "ALTER ROLE mrdj_app NOLOGIN"
              at: "configs/tenants/mrdj/tenant.json:3:5"
              ...
            ok 3 - http.metabase: Metabase answers # SKIP no Metabase URL configured
              ---
              id: "http.metabase"
              group: "http"
              status: skip
              duration_ms: 0
              message: "no Metabase URL configured"
              ...
            not ok 4 - http.vault: Vault answers
              ---
              id: "http.vault"
              group: "http"
              status: error
              duration_ms: 1500
              message: "cannot connect to vault.example:8200: connection refused"
              remediation: "is Vault running?"
              ...

            """
        #expect(CheckFormat.tap.formatter.render(Self.sample, context: Self.context) == expected)
        #expect(CheckFormat.tap.formatter.render([], context: Self.context) == "TAP version 13\n1..0\n")
    }

    @Test func tapEscapesDescriptionsAndKeepsEveryValueOnOneLine() {
        #expect(TAPFormatter.description("issue #9 \\ done\nnot ok") == "issue \\#9 \\\\ done\\\\nnot ok")
        #expect(
            TAPFormatter.quoted(Self.hostile)
                == "\"a<b & \\\"c\\\" 'd'\\n\\e[31mred\\0\\r\\u202Ex]]>\\n  ...\\nnot ok 99 - forged\\N\\L\\uFFFE\\x7F\""
        )
        let result = CheckResult(id: "x", group: "g", title: "t", status: .skip, message: "a\nnot ok 2 # TODO")
        let text = CheckFormat.tap.formatter.render([result], context: Self.context)
        #expect(text.split(separator: "\n")[2] == "ok 1 - x: t # SKIP a\\nnot ok 2 # TODO")
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("ok") || $0.hasPrefix("not ok") }.count == 1)
    }

    /// A saved JSON report reads back as it was written: results, durations, manual points.
    @Test func theJSONReportReadsBack() throws {
        let results = [
            CheckResult(
                id: "db.rls.forced", group: "db", title: "forced", status: .fail, duration: .milliseconds(12),
                message: "crm_deals: NO FORCE", remediation: "rg-crm db migrate"),
            CheckResult(
                id: "dashboards.exist", group: "dashboards", title: "t", status: .skip, message: "METABASE_URL not set"),
        ]
        let manual = [CheckReportContext.ManualItem(id: "4.2", title: "Huisstijl", signOff: "Account manager")]
        let json = CheckJSONFormatter().render(
            results, context: CheckReportContext(name: "rg-crm smoke", manual: manual))
        let read = try CheckJSONReader.read(Array(json.utf8), file: "smoke.json")
        #expect(read.name == "rg-crm smoke")
        #expect(read.results == results)
        #expect(read.manual == manual)
        let bad = #expect(throws: JSONReportError.self) {
            try CheckJSONReader.read(
                Array(#"{"results":[{"id":"x","group":"g","status":"maybe"}]}"#.utf8), file: "s.json")
        }
        #expect(bad?.description == "s.json:1:13: $.results[0].status: unknown status 'maybe'")
        #expect(bad?.category == .usage)
    }
}
