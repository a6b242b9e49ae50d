import Foundation
import Testing

@testable import RGCore

@Suite struct PlanRendererTests {
    static let sample = Plan([
        Change(.create, "tenant", "mrdj"),
        Change(.update, "stage", "wedding_sales.offerte", detail: "renamed"),
        Change(.delete, "pipeline", "old_sales"),
        Change(.unchanged, "role", "rg_mrdj_app"),
        Change(
            .conflict, "file", "/t/templates/sms/x.txt", detail: "edited by hand", before: "Hallo!",
            after: "Hoi\n\tdaar\n"),
    ])

    @Test func textHasOneLinePerChangeThenTheSummary() {
        #expect(
            PlanRenderer.text(Self.sample) == """
                + create tenant mrdj
                ~ update stage wedding_sales.offerte (renamed)
                - delete pipeline old_sales
                ! conflict file /t/templates/sms/x.txt (edited by hand)
                    - Hallo!
                    + Hoi
                    + \tdaar
                Plan: 1 to create, 1 to update, 1 to delete, 1 conflict, 1 unchanged.

                """)
    }

    @Test func unchangedResourcesAreListedOnlyWhenVerbose() {
        let plan = Plan([
            Change(.unchanged, "tenant", "mrdj"), Change(.unchanged, "settings", "mrdj", detail: "scoring"),
        ])
        #expect(!plan.hasChanges)
        #expect(PlanRenderer.text(plan) == "No changes (2 unchanged).\n")
        #expect(
            PlanRenderer.text(plan, verbose: true)
                == "= unchanged tenant mrdj\n= unchanged settings mrdj (scoring)\nNo changes (2 unchanged).\n")
        #expect(PlanRenderer.text(Plan([])) == "No changes.\n")
    }

    @Test func anAppliedRunSaysWhatWasDoneEvenWhenNothingWas() {
        var plan = Self.sample
        plan.applied = true
        #expect(PlanRenderer.summary(plan) == "Done: 1 created, 1 updated, 1 deleted, 1 conflict, 1 unchanged.")
        // "0 created, 0 updated" is what CI's second demo run looks for.
        #expect(
            PlanRenderer.summary(Plan([Change(.unchanged, "file", "a")], applied: true))
                == "Done: 0 created, 0 updated, 0 deleted, 0 conflicts, 1 unchanged.")
        #expect(
            PlanRenderer.summary(Plan([Change(.conflict, "file", "a"), Change(.conflict, "file", "b")])).contains(
                ", 2 conflicts, "))
    }

    @Test func colourOnlyWhenAskedAndOutsideTextIsEscaped() {
        let plan = Plan([Change(.create, "file", "evil\u{1B}[2J\nname", detail: "note\r", after: "line\u{1B}]0;x\u{7}")]
        )
        let plain = PlanRenderer.text(plan)
        #expect(!plain.contains("\u{1B}"))
        #expect(plain.hasPrefix("+ create file evil\\u{1B}[2J\\nname (note\\r)\n    + line\\u{1B}]0;x\\u{7}\n"))
        let coloured = PlanRenderer.text(plan, colour: true)
        #expect(coloured.hasPrefix("\u{1B}[32m+ create\u{1B}[0m file evil\\u{1B}"))
    }

    @Test func jsonHasTheDocumentedShapeWithEveryKeyAlwaysPresent() throws {
        let text = PlanRenderer.json(Self.sample)
        #expect(text.hasSuffix("}\n"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(document.keys) == ["format_version", "applied", "has_changes", "summary", "changes"])
        #expect(document["format_version"] as? String == "1")
        #expect(document["applied"] as? Bool == false)
        #expect(document["has_changes"] as? Bool == true)
        #expect(
            document["summary"] as? [String: Int] == [
                "create": 1, "update": 1, "delete": 1, "conflict": 1, "unchanged": 1,
            ])
        let changes = try #require(document["changes"] as? [[String: Any]])
        // Unchanged resources too, in the plan's order.
        #expect(changes.map { $0["action"] as? String } == ["create", "update", "delete", "unchanged", "conflict"])
        for change in changes {
            #expect(Set(change.keys) == ["action", "kind", "identity", "detail", "before", "after"])
        }
        #expect(changes[0]["detail"] is NSNull && changes[0]["before"] is NSNull)
        #expect(changes[4]["before"] as? String == "Hallo!")
        #expect(changes[4]["after"] as? String == "Hoi\n\tdaar\n")
        // Key order is fixed, so the text is the same every run.
        #expect(
            PlanRenderer.jsonValue(Plan([Change(.delete, "stage", "p.s")], applied: true)).serialized()
                == #"{"format_version":"1","applied":true,"has_changes":true,"summary":{"create":0,"update":0,"delete":1,"conflict":0,"unchanged":0},"changes":[{"action":"delete","kind":"stage","identity":"p.s","detail":null,"before":null,"after":null}]}"#
        )
    }

    @Test func everyActionHasItsMark() {
        #expect(
            Change.Action.allCases.map { "\($0.symbol) \($0.rawValue)" } == [
                "+ create", "~ update", "- delete", "= unchanged", "! conflict",
            ])
        #expect(Plan([Change(.conflict, "file", "a")]).hasChanges)
        #expect(Plan([Change(.unchanged, "file", "a")], applied: true).hasChanges == false)
    }
}
