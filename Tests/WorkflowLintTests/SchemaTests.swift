import Foundation
import TestSupport
import Testing

@testable import WorkflowLint

/// schemas/workflow.schema.json (for editors) agrees with the linter: what lints clean validates, and the shipped
/// workflows validate.
@Suite struct SchemaTests {
    @Test(
        .enabled(
            if: TestRequirements.python("yaml", "jsonschema"),
            "needs Python with PyYAML and jsonschema (scripts/bootstrap.sh; runs under CI=true)"))
    func shippedWorkflowsAndPassingExamplesValidate() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var files = ["lead_intake", "proposal_followup", "post_event_care"].map {
            Fixtures.path("automation/workflows/\($0).yaml")
        }
        for (index, example) in RuleCatalogue.all.flatMap(\.nonTriggering).enumerated() {
            let path = "\(directory)/example\(index).yaml"
            Fixtures.write(example.parsed.source, to: path)
            files.append(path)
        }
        // A workflow the schema must reject, so that the check cannot pass vacuously.
        Fixtures.write("workflow: x\nversion: 1\ntrigger: lead.create\nactions: []\n", to: directory + "/bad.yaml")
        let script = """
            import json, sys
            try:
                import yaml, jsonschema
            except ImportError as error:
                print(error); sys.exit(3)
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft7Validator.check_schema(schema)
            validator = jsonschema.Draft7Validator(schema)
            for path in sys.argv[2:]:
                errors = list(validator.iter_errors(yaml.safe_load(open(path, encoding="utf-8"))))
                print(path, "invalid" if errors else "valid", [e.message for e in errors[:2]])
            """
        let (status, output) = try Process.run(
            "/usr/bin/env",
            ["python3", "-c", script, Fixtures.path("schemas/workflow.schema.json")] + files + [directory + "/bad.yaml"]
        )
        try #require(status != 3, "cannot validate: \(output)")
        #expect(status == 0, "\(output)")
        let lines = output.split(separator: "\n")
        #expect(lines.count == files.count + 1)
        for line in lines.dropLast() { #expect(line.contains(" valid "), "\(line)") }
        #expect(lines.last?.contains(" invalid ") == true)
    }
}

/// fallback_owner and assignee take a role or an e-mail address: `local@domain.tld`, no blanks or commas.
@Suite struct EmailTests {
    @Test(arguments: [
        ("ops@mrdj.nl", true), ("a.b+c@sub.mrdj.nl", true), ("ops@mrdj", false), ("@mrdj.nl", false),
        ("ops@.mrdj.nl", false), ("ops@mrdj.nl.", false), ("ops@@mrdj.nl", false), ("o@p@mrdj.nl", false),
        ("ops @mrdj.nl", false), ("ops@mrdj.nl\r", false), ("ops@mrdj.nl\n", false), ("a@b.nl,c@d.nl", false),
        ("", false), ("ops", false),
    ])
    func addresses(text: String, valid: Bool) {
        #expect(WorkflowSchema.isEmail(text) == valid)
    }
}
