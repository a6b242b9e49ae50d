import DashboardKit
import Foundation
import RGCore
import TestSupport
import Testing

/// The repository format: what the loader reads, refuses (with file:line:col), and the JSON Schema agrees.
@Suite struct DashboardFormatTests {
    let shipped = TestPaths.repository("ops/metabase/dashboards/crm")

    func write(_ text: String) throws -> String {
        let folder = try TestPaths.temporaryDirectory("dash-format")
        try text.write(toFile: folder + "/d.json", atomically: true, encoding: .utf8)
        return folder + "/d.json"
    }

    @Test func theThreeShippedDashboardsLoadWithTheirFiltersMapped() throws {
        let dashboards = try DashboardFormat.load(directory: shipped)
        #expect(dashboards.map(\.name) == ["Automation SLA", "Pipeline Velocity", "Revenue per Package"])
        for dashboard in dashboards {
            #expect(dashboard.cards.count == 3)
            for card in dashboard.cards {
                #expect(card.databaseName == DashboardFormat.tenantDatabase)
                // Views only, never a tenant filter of its own: row-level security does that.
                #expect(!card.sql.contains("tenant_id"), "\(card.name)")
                #expect(card.sql.contains("FROM crm."), "\(card.name)")
            }
            let mapped = dashboard.dashcards.flatMap(\.parameterMappings).compactMap { $0.serialized() }
            #expect(
                mapped.contains { $0.contains("\"period_from\"") } && mapped.contains { $0.contains("\"pipeline\"") })
        }
        #expect(dashboards[1].tabs == ["Overview", "Stages"])
        #expect(dashboards[1].dashcards.map(\.tab) == ["Overview", "Overview", "Stages"])
    }

    @Test func filesWrittenWithOrderedCardsAreReadToo() throws {
        let text = try String(contentsOfFile: shipped + "/revenue_per_package.json", encoding: .utf8)
        let legacy = try write(
            text.replacingOccurrences(of: "\"dashcards\"", with: "\"ordered_cards\"").replacingOccurrences(
                of: "\"size_x\"", with: "\"sizeX\""
            ).replacingOccurrences(of: "\"size_y\"", with: "\"sizeY\""))
        let modern = try DashboardFormat.load(file: shipped + "/revenue_per_package.json")
        var old = try DashboardFormat.load(file: legacy)
        old.path = modern.path
        #expect(old == modern)
    }

    @Test func badFilesAreRefusedWithTheirPlace() throws {
        let cases: [(String, String)] = [
            ("{\"name\": \"D\"}", ":1:1: dashboard 'D' has no 'dashcards'"),
            (
                "{\"name\": \"D\", \"dashcards\": [{\"row\": 0, \"col\": 0, \"size_x\": 1}]}",
                ":1:29: a dashcard needs a whole number 'size_y'"
            ),
            (
                "{\"name\": \"D\",\n \"dashcards\": [{\"row\": 0, \"col\": 0, \"size_x\": 1, \"size_y\": 1, \"card\": {\"name\": \"C\", \"display\": \"bar\", \"dataset_query\": \"SELECT 1\"}}]}",
                ":2:71: card 'C' needs a 'dataset_query' object"
            ),
            (
                "{\"name\": \"D\", \"dashcards\": [{\"row\": 0, \"col\": 0, \"size_x\": 1, \"size_y\": 1, \"card\": {\"name\": \"C\", \"display\": \"bar\", \"dataset_query\": {\"database\": \"x\", \"native\": {\"query\": \"SELECT {{p}}\"}}}}]}",
                "card 'C': variable '{{p}}' has no template tag"
            ),
            (
                "{\"name\": \"D\", \"tabs\": [{\"id\": -1, \"name\": \"T\"}], \"dashcards\": [{\"row\": 0, \"col\": 0, \"size_x\": 1, \"size_y\": 1}]}",
                "the dashboard has tabs, so every dashcard needs a 'dashboard_tab_id'"
            ),
            ("{\"name\": \"D\", \"dashcards\": [], \"ordered_cards\": []}", "both 'dashcards' and 'ordered_cards'"),
            ("{\"name\": ", ":1:10: unexpected end of file"),
        ]
        for (text, message) in cases {
            let path = try write(text)
            #expect { try DashboardFormat.load(file: path) } throws: { error in
                let description = "\(error)"
                return description.hasPrefix(path) && description.contains(message)
                    && ExitCategory.of(error) == .usage
            }
        }
    }

    @Test func cardNamesMustBeUniqueAcrossFiles() throws {
        let folder = try TestPaths.temporaryDirectory("dash-format")
        for name in ["a.json", "b.json"] {
            let text = try String(contentsOfFile: shipped + "/revenue_per_package.json", encoding: .utf8)
            try text.replacingOccurrences(of: "\"Revenue per Package\"", with: "\"Dash \(name)\"").write(
                toFile: folder + "/" + name, atomically: true, encoding: .utf8)
        }
        #expect { try DashboardFormat.load(directory: folder) } throws: {
            "\($0)".contains("card 'Won revenue' is also defined in")
        }
    }

    @Test(
        .enabled(
            if: TestRequirements.python("jsonschema"),
            "needs Python with jsonschema (scripts/bootstrap.sh; runs under CI=true)"))
    func theSchemaAcceptsTheShippedFilesAndRejectsABadOne() throws {
        let bad = try write(
            "{\"name\": \"D\", \"dashcards\": [{\"row\": -1, \"col\": 0, \"size_x\": 0, \"size_y\": 1}]}")
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            for path in sys.argv[2:]:
                print(path, "invalid" if list(validator.iter_errors(json.load(open(path)))) else "valid")
            """
        let files = ["automation_sla", "pipeline_velocity", "revenue_per_package"].map { shipped + "/\($0).json" }
        let result = try Python.run(
            script, arguments: [TestPaths.repository("schemas/dashboard.schema.json")] + files + [bad])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (files.map { "\($0) valid\n" } + ["\(bad) invalid\n"]).joined())
    }
}
