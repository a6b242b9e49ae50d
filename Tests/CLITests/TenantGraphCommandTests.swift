import Foundation
import TestSupport
import Testing

@Suite struct TenantGraphCommandTests {
    @Test func mrdjGetsItsThreePipelinesWithWorkflowsAtTheirStages() throws {
        let result = try RGCRMProcess.run(["tenant", "graph", "--tenant", "mrdj"])
        #expect(result.status == 0, "\(result.stderr)")
        let pipelines = result.stdout.split(separator: "\n").filter { $0.hasSuffix(", default)") }
        #expect(pipelines.count == 3, "\(result.stdout)")
        for (stage, workflow) in [
            ("Nieuwe Lead", "lead_intake"), ("Offerte Uitgebracht", "proposal_followup"),
            ("Event Uitgevoerd", "post_event_care"),
        ] {
            // Every occurrence of the stage is followed by its workflow on the next line.
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let indices = lines.indices.filter { lines[$0].contains(". \(stage)  [SLA") }
            #expect(indices.count == 3, "\(stage)")
            for index in indices { #expect(lines[index + 1].contains("workflow \(workflow) — ")) }
        }
    }

    @Test(.enabled(if: TestRequirements.executable("/usr/bin/dot"), "needs Graphviz's dot (apt-get install graphviz)"))
    func svgIsDrawnByGraphvizAndWithoutItTheCommandSaysSoAndExits2() throws {
        let svg = try RGCRMProcess.run(["tenant", "graph", "--tenant", "mrdj", "--format", "svg"])
        #expect(svg.status == 0, "\(svg.stderr)")
        #expect(svg.stdout.contains("<svg"))
        #expect(svg.stdout.contains("Offerte Uitgebracht"))
        // Three pipelines, each with the three workflows at their stages, joined to them by an edge.
        #expect(svg.stdout.components(separatedBy: "class=\"cluster\"").count - 1 == 3)
        for workflow in ["Lead Intake Qualification", "Proposal Follow-up Cadence", "Post-Event Care and Feedback"] {
            // Graphviz writes '-' as a character reference.
            let drawn = ">\(workflow.replacingOccurrences(of: "-", with: "&#45;"))</text>"
            #expect(svg.stdout.components(separatedBy: drawn).count - 1 == 3, "\(workflow)")
        }
        let edges = svg.stdout.components(separatedBy: "class=\"edge\"").count - 1
        #expect(edges == 3 * 3 + (9 + 8 + 9) + (4 + 4 + 3), "\(edges) edges")
        let empty = try TestPaths.temporaryDirectory("nodot")
        let missing = try RGCRMProcess.run(
            ["tenant", "graph", "--tenant", "mrdj", "--format", "svg"], environment: ["PATH": empty])
        #expect(missing.status == 2)
        #expect(missing.stdout.isEmpty)
        #expect(
            missing.stderr
                == "rg-crm: error: --format svg needs Graphviz's `dot`, which is not on PATH (Debian: apt-get install graphviz)\n"
        )
    }

    @Test func anUnknownTenantIsBadInput() throws {
        let result = try RGCRMProcess.run(["tenant", "graph", "--tenant", "nosuchtenant"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("rg-crm: error: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}

@Suite struct TenantReportCommandTests {
    @Test func theReportIsWrittenOnceSelfContainedAndASecondRunLeavesItAlone() throws {
        let folder = try TestPaths.temporaryDirectory("report")
        let clone = try RGCRMProcess.run(["templates", "clone", "--tenant", "mrdj", "--to", folder + "/automation"])
        #expect(clone.status == 0, "\(clone.stderr)")
        let out = folder + "/mrdj.html"
        let arguments = [
            "tenant", "report", "--tenant", "mrdj", "--templates", folder + "/automation/templates", "--out", out,
        ]
        let first = try RGCRMProcess.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "report mrdj: written \(out)\n")
        let modified = try FileManager.default.attributesOfItem(atPath: out)[.modificationDate] as? Date
        let second = try RGCRMProcess.run(arguments)
        #expect(second.stdout == "report mrdj: unchanged \(out)\n")
        #expect(try FileManager.default.attributesOfItem(atPath: out)[.modificationDate] as? Date == modified)

        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("http"))
        for expected in ["Mr. DJ", "#111827", "Offerte Uitgebracht", "lead_welcome", "Bedankt voor je aanvraag"] {
            #expect(html.contains(expected), "\(expected)")
        }
        // Drawn by Graphviz, one picture per pipeline, and the contrast verdict of mrdj's palette.
        if TestRequirements.executable("/usr/bin/dot") {
            #expect(html.components(separatedBy: "<svg ").count - 1 == 3)
        }
        #expect(html.contains("<td>16.12:1</td><td><span class=\"pass\">pass</span></td>"))
        // The same bytes on standard output.
        let stdout = try RGCRMProcess.run(Array(arguments.dropLast(2)) + ["--out", "-"])
        #expect(stdout.stdout == html)
    }

    /// The report shows the last saved smoke run, the checklist's manual points and what provisioning did when,
    /// each from where the commands leave it.
    @Test func theReportShowsTheSavedSmokeRunTheSignOffPointsAndProvisioning() throws {
        let state = try TestPaths.temporaryDirectory("report-state")
        try FileManager.default.createDirectory(atPath: state + "/state/mrdj", withIntermediateDirectories: true)
        let smoke = """
            {"name": "rg-crm smoke", "results": [
              {"id": "db.rls.forced", "group": "db", "title": "forced", "status": "fail", "duration_ms": 3,
               "message": "crm_deals is NO FORCE", "remediation": null, "location": null},
              {"id": "db.server", "group": "db", "title": "answers", "status": "pass", "duration_ms": 1},
              {"id": "dashboards.exist", "group": "dashboards", "title": "t", "status": "skip", "duration_ms": 0}],
             "manual": [{"id": "9.9", "title": "Klant tekent <af>", "sign_off": "Account manager"}]}
            """
        try Data(smoke.utf8).write(to: URL(fileURLWithPath: state + "/state/mrdj/smoke.json"))
        let progress = """
            {"tenant": "mrdj", "complete": true, "resources": [
              {"name": "database", "result": "unchanged", "changed_at": "2026-12-01T10:00:00Z"}], "error": null}
            """
        try Data(progress.utf8).write(to: URL(fileURLWithPath: state + "/state/mrdj.json"))
        let result = try RGCRMProcess.run(["tenant", "report", "--tenant", "mrdj", "--state-dir", state, "--out", "-"])
        #expect(result.status == 0, "\(result.stderr)")
        let html = result.stdout
        #expect(html.contains("1 passed, 1 failed, 0 errors, 1 skipped"))
        #expect(html.contains("<code>db.rls.forced</code> forced: crm_deals is NO FORCE"))
        #expect(html.contains("<code>9.9</code> Klant tekent &lt;af&gt;"))
        #expect(html.contains("<td>database</td><td>unchanged</td><td></td><td>2026-12-01T10:00:00Z</td>"))
        // Without a saved run, the checklist's own manual points are listed, and a note says what is missing.
        let bare = try RGCRMProcess.run(
            ["tenant", "report", "--tenant", "mrdj", "--state-dir", state + "/none", "--out", "-"])
        #expect(bare.status == 0)
        #expect(bare.stderr.contains("note: no saved smoke run at \(state)/none/state/mrdj/smoke.json"))
        #expect(bare.stdout.contains("Signed off by"))
        // A saved run that is not one is bad input naming the file and the JSON path.
        try Data(#"{"results": 3}"#.utf8).write(to: URL(fileURLWithPath: state + "/state/mrdj/smoke.json"))
        let broken = try RGCRMProcess.run(["tenant", "report", "--tenant", "mrdj", "--state-dir", state, "--out", "-"])
        #expect(broken.status == 2)
        #expect(broken.stderr.hasPrefix("rg-crm: error: \(state)/state/mrdj/smoke.json:1:1: $.results: "))
    }
}
