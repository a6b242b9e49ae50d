import Foundation
import TestSupport
import Testing

@testable import RGCore

@Suite struct ConfigPackTests {
    let mrdjTenant = TestPaths.repository("configs/tenants/mrdj/tenant.json")
    let mrdjCRM = TestPaths.repository("configs/tenants/mrdj/crm.json")

    @Test func theReferenceTenantIsValid() throws {
        let pack = try ConfigPack.load(slug: try Slug("mrdj"), configDirectory: TestPaths.repository("configs/tenants"))
        #expect(pack.tenant.name == "Mr. DJ")
        #expect(pack.tenant.domain == "mr-dj.rentguy.nl")
        #expect(pack.tenant.branding.primaryColor == "#111827")
        #expect(pack.tenant.branding.backgroundColor == "#F3F4F6")
        #expect(pack.tenant.branding.accentColor == "#EF4444")
        let wedding = try #require(pack.crm.pipelines.first)
        #expect(wedding.name == "Wedding Sales")
        #expect(
            wedding.stages.map(\.name).prefix(5) == [
                "Nieuwe Lead", "Oriëntatie Gesprek", "Offerte Uitgebracht", "Onderhandeling", "Deal Gesloten",
            ])
        #expect(wedding.stages.compactMap(\.automation) == ["lead_intake", "proposal_followup", "post_event_care"])
    }

    /// Loads a copy of mrdj's pack with one file edited by `edit`, returning the issues.
    func issues(editing file: String, _ edit: (inout Any) -> Void) throws -> [ConfigIssue] {
        let directory = try TestPaths.temporaryDirectory("pack")
        let tenantDirectory = directory + "/mrdj"
        try FileManager.default.createDirectory(atPath: tenantDirectory, withIntermediateDirectories: true)
        for name in ["tenant.json", "crm.json"] {
            var object: Any = try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: TestPaths.repository("configs/tenants/mrdj/\(name)"))))
            if name == file { edit(&object) }
            try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]).write(
                to: URL(fileURLWithPath: "\(tenantDirectory)/\(name)"))
        }
        do {
            _ = try ConfigPack.load(slug: try Slug("mrdj"), configDirectory: directory)
            return []
        } catch let error as ConfigError {
            return error.issues
        }
    }

    @Test func aBadStageSLAIsNamedByFileAndJSONPath() throws {
        let found = try issues(editing: "crm.json") { object in
            var root = object as! [String: Any]
            var pipelines = root["pipelines"] as! [[String: Any]]
            var stages = pipelines[0]["stages"] as! [[String: Any]]
            stages[2]["sla_hours"] = -4
            pipelines[0]["stages"] = stages
            root["pipelines"] = pipelines
            object = root
        }
        let issue = try #require(found.first)
        #expect(found.count == 1)
        #expect(issue.path == "$.pipelines[0].stages[2].sla_hours")
        #expect(issue.description.hasPrefix("\(NSTemporaryDirectory())"))
        #expect(
            issue.description.contains(
                "/mrdj/crm.json: $.pipelines[0].stages[2].sla_hours: expected a positive number (line "))
    }

    @Test(arguments: [
        (0.125, "expected hours with at most two decimals"), (1_000_000, "expected at most 999999.99 hours"),
        (0, "expected a positive number"),
    ])
    func stageHoursFitTheDatabase(hours: Double, message: String) throws {
        let found = try issues(editing: "crm.json") { object in
            var root = object as! [String: Any]
            var pipelines = root["pipelines"] as! [[String: Any]]
            var stages = pipelines[0]["stages"] as! [[String: Any]]
            stages[1]["sla_hours"] = hours
            pipelines[0]["stages"] = stages
            root["pipelines"] = pipelines
            object = root
        }
        #expect(found.map(\.path) == ["$.pipelines[0].stages[1].sla_hours"])
        #expect(found.first?.message == message)
    }

    @Test(arguments: [
        ("primary_color", "red", "$.branding.primary_color", "expected a hex colour #rgb or #rrggbb, found \"red\""),
        (
            "logo_url", "http://mr-dj.nl/logo.svg", "$.branding.logo_url",
            "expected an https:// URL, found \"http://mr-dj.nl/logo.svg\""
        ),
        ("font", "Inter\"; }", "$.branding.font", "expected a font family name, found \"Inter\\\"; }\""),
        ("accent", "#fff", "$.branding.accent", "unknown key 'accent' (did you mean 'accent_color'?)"),
    ])
    func badBrandingValuesAreNamed(key: String, value: String, path: String, message: String) throws {
        let found = try issues(editing: "tenant.json") { object in
            var root = object as! [String: Any]
            var branding = root["branding"] as! [String: Any]
            branding[key] = value
            root["branding"] = branding
            object = root
        }
        #expect(found.map(\.path) == [path])
        #expect(found.first?.message == message)
    }

    @Test func everyIssueIsReportedNotOnlyTheFirst() throws {
        let found = try issues(editing: "tenant.json") { object in
            var root = object as! [String: Any]
            root["slug"] = "Mr DJ"
            root["verticals"] = ["wedding", "bruiloft"]
            root.removeValue(forKey: "domain")
            object = root
        }
        #expect(Set(found.map(\.path)) == ["$.slug", "$.verticals[1]", "$.domain"])
    }

    @Test func crmRulesAreChecked() throws {
        let found = try issues(editing: "crm.json") { object in
            var root = object as! [String: Any]
            var pipelines = root["pipelines"] as! [[String: Any]]
            var stages = pipelines[0]["stages"] as! [[String: Any]]
            stages[1]["key"] = stages[0]["key"]
            pipelines[0]["stages"] = stages
            root["pipelines"] = pipelines
            root["automation"] = ["lead.create": ["lead_intake"]]
            root["webhooks"] = [
                "teams_sales": ["channel": "teams", "secret_ref": "https://outlook.office.com/webhook/123"]
            ]
            object = root
        }
        // Stage 1's key is gone, so the rule of stage 0 that moves deals to it points nowhere too.
        #expect(
            Set(found.map(\.path)) == [
                "$.pipelines[0].stages[1].key", "$.pipelines[0].stages[0].auto_progress_rule.to",
                "$.automation[\"lead.create\"]",
                "$.webhooks.teams_sales.secret_ref",
            ])
        #expect(found.contains { $0.message == "unknown trigger 'lead.create' (did you mean 'lead.created'?)" })
    }

    @Test func malformedJSONGivesLineAndColumn() throws {
        let directory = try TestPaths.temporaryDirectory("pack")
        try FileManager.default.createDirectory(atPath: directory + "/acme", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: mrdjCRM, toPath: directory + "/acme/crm.json")
        try "{\n  \"slug\": \"acme\",\n  \"name\": \"Acme\" \n  \"domain\": \"acme.nl\"\n}".write(
            toFile: directory + "/acme/tenant.json", atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) {
            try ConfigPack.load(slug: try Slug("acme"), configDirectory: directory)
        }
        #expect(
            error?.description
                == "\(directory)/acme/tenant.json: $: invalid JSON: expected ',' or '}' after object member (line 4, column 3)"
        )
    }

    /// A config file's lines may end in LF, CRLF or a lone CR: each is one line break for the positions named.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func positionsInConfigFilesCountCRLFAndLoneCR(_ newline: String) throws {
        let directory = try TestPaths.temporaryDirectory("pack")
        try FileManager.default.createDirectory(atPath: directory + "/acme", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: mrdjCRM, toPath: directory + "/acme/crm.json")
        try ["{", "  \"slug\": \"acme\",", "  \"name\": \"Acmë €\" ", "  \"domain\": \"acme.nl\"", "}"].joined(
            separator: newline
        ).write(
            toFile: directory + "/acme/tenant.json", atomically: true, encoding: .utf8)
        let error = #expect(throws: ConfigError.self) {
            try ConfigPack.load(slug: try Slug("acme"), configDirectory: directory)
        }
        #expect(
            error?.description
                == "\(directory)/acme/tenant.json: $: invalid JSON: expected ',' or '}' after object member (line 4, column 3)"
        )
    }

    @Test func theSlugMustMatchItsFolder() throws {
        let directory = try TestPaths.temporaryDirectory("pack")
        try FileManager.default.createDirectory(atPath: directory + "/other", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: mrdjTenant, toPath: directory + "/other/tenant.json")
        try FileManager.default.copyItem(atPath: mrdjCRM, toPath: directory + "/other/crm.json")
        let error = #expect(throws: ConfigError.self) {
            try ConfigPack.load(slug: try Slug("other"), configDirectory: directory)
        }
        #expect(error?.issues.map(\.message) == ["slug 'mrdj' does not match its folder 'other'"])
    }

    @Test(arguments: ["mrdj", "ab", "tenant_2", "a" + String(repeating: "b", count: 30)])
    func validSlugs(_ text: String) throws {
        #expect(try Slug(text).rawValue == text)
    }

    @Test(arguments: [
        "", "a", "Mrdj", "2dj", "mr-dj", "mr dj", "a" + String(repeating: "b", count: 31),
        "x'; drop table crm.crm_tenants; --", "ḿrdj",
    ])
    func invalidSlugs(_ text: String) {
        #expect(throws: SlugError.self) { try Slug(text) }
    }

    @Test(
        .enabled(
            if: TestRequirements.python("jsonschema"),
            "needs Python's jsonschema (scripts/bootstrap.sh; runs under CI=true)"))
    func theSchemasAcceptTheReferenceTenantAndRejectWhatTheLoaderRejects() throws {
        // The JSON Schemas editors use must agree with the loader on the reference pack.
        let script = """
            import json, sys, jsonschema
            for name in ("tenant", "crm"):
                schema = json.load(open(sys.argv[1] + f"/schemas/{name}.schema.json"))
                jsonschema.Draft202012Validator.check_schema(schema)
                jsonschema.validate(json.load(open(sys.argv[1] + f"/configs/tenants/mrdj/{name}.json")), schema)
            def errors(name, edit):
                document = json.load(open(sys.argv[1] + f"/configs/tenants/mrdj/{name}.json"))
                edit(document)
                schema = json.load(open(sys.argv[1] + f"/schemas/{name}.schema.json"))
                return len(list(jsonschema.Draft202012Validator(schema).iter_errors(document)))
            def stage(document, key, value):
                document["pipelines"][0]["stages"][4][key] = value
            print(errors("tenant", lambda d: d["branding"].__setitem__("primary_color", "red")),
                  errors("tenant", lambda d: d.__setitem__("name", "Mr. DJ\\x1b[2J")),
                  errors("tenant", lambda d: d["branding"].__setitem__("font", "Inter\\n")),
                  errors("crm", lambda d: d["pipelines"][0].__setitem__("name", "a\\u202eb")),
                  errors("crm", lambda d: stage(d, "auto_progress_rule", {"on": "deal.won"})),
                  errors("crm", lambda d: d["webhooks"]["teams_sales"].__setitem__("secret_ref", "vault:https://hooks.example.com/x")))
            """
        let result = try Python.run(script, arguments: [TestPaths.packageRoot.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1 1 1 1 1 1\n")
    }
}
