import Foundation
import Testing

@testable import RGCore

/// The text format with a subject (smoke's): results under their groups with ✓ ✗ – !, the summary line, and the
/// manual to-do list; JSON carries the manual list too. Without a subject nothing changes.
@Suite struct GroupedCheckReportTests {
    static let results: [CheckResult] = [
        CheckResult(id: "db.server", group: "db", title: "answers", status: .pass, duration: .milliseconds(3)),
        CheckResult(
            id: "db.rls.forced", group: "db", title: "forced", status: .fail, duration: .milliseconds(4),
            message: "not forced on crm.crm_deals", remediation: "ALTER TABLE crm.crm_deals FORCE ROW LEVEL SECURITY"),
        CheckResult(
            id: "dashboards.cards", group: "dashboards", title: "cards run", status: .skip,
            message: "METABASE_URL not set"),
        CheckResult(id: "x.y", group: "x", title: "\u{1B}[2Jt", status: .error, message: "boom"),
    ]
    static let manual = [
        CheckReportContext.ManualItem(id: "5.5", title: "Security review / Review", signOff: "security officer")
    ]

    @Test func groupedTextWithSummaryLineAndManualList() {
        let text = CheckTextFormatter().render(
            Self.results, context: CheckReportContext(subject: "smoke mrdj", manual: Self.manual))
        #expect(
            text == """
                db
                  ✓ db.server  answers (3 ms)
                  ✗ db.rls.forced  forced (4 ms)
                      not forced on crm.crm_deals
                      fix: ALTER TABLE crm.crm_deals FORCE ROW LEVEL SECURITY
                dashboards
                  – dashboards.cards  cards run (0 ms)
                      METABASE_URL not set
                x
                  ! x.y  \\u{1B}[2Jt (0 ms)
                      boom
                smoke mrdj: 1 passed, 1 failed, 1 skipped, 1 error
                manual (UAT sign-off):
                  [ ] 5.5  Security review / Review (security officer)

                """)
        let clean = CheckTextFormatter().render(
            Array(Self.results.prefix(1)), context: CheckReportContext(subject: "smoke mrdj", manual: []))
        #expect(clean.hasSuffix("smoke mrdj: 1 passed, 0 failed, 0 skipped\n"))
        #expect(!clean.contains("manual"))
    }

    @Test func jsonCarriesTheManualListOnlyWhenGiven() throws {
        let with = CheckJSONFormatter().render(Self.results, context: CheckReportContext(manual: Self.manual))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(with.utf8)) as? [String: Any])
        let manual = try #require(object["manual"] as? [[String: String]])
        #expect(manual == [["id": "5.5", "title": "Security review / Review", "sign_off": "security officer"]])
        let without = CheckJSONFormatter().render(Self.results, context: CheckReportContext())
        #expect(!without.contains("\"manual\""))
    }
}
