import Foundation
import TestSupport
import Testing

@testable import RGCore

/// Text a config pack may carry: what the database can store, what a terminal shows as it is, lengths counted as
/// PostgreSQL counts them, and references that must point at something that exists.
@Suite struct ConfigPackTextTests {
    /// Loads mrdj's pack with `replace` applied to one file's text (exactly once), returning the issues.
    func issues(in file: String, replacing old: String, with new: String, workflows: Set<String>? = nil) throws
        -> [ConfigIssue]
    {
        let directory = try TestPaths.temporaryDirectory("pack")
        let tenantDirectory = directory + "/mrdj"
        try FileManager.default.createDirectory(atPath: tenantDirectory, withIntermediateDirectories: true)
        for name in ["tenant.json", "crm.json"] {
            var text = try String(contentsOfFile: TestPaths.repository("configs/tenants/mrdj/\(name)"), encoding: .utf8)
            if name == file {
                #expect(text.components(separatedBy: old).count == 2, "'\(old)' must occur once in \(name)")
                text = text.replacingOccurrences(of: old, with: new)
            }
            try text.write(toFile: "\(tenantDirectory)/\(name)", atomically: true, encoding: .utf8)
        }
        do {
            _ = try ConfigPack.load(slug: try Slug("mrdj"), configDirectory: directory, workflows: workflows)
            return []
        } catch let error as ConfigError {
            return error.issues
        }
    }

    static let shippedWorkflows: Set<String> = ["lead_intake", "proposal_followup", "post_event_care"]

    @Test(arguments: [
        ("tenant.json", "\"name\": \"Mr. DJ\"", "\"name\": \"a\\u0000b\"", "$.name"),
        ("crm.json", "\"name\": \"Wedding Sales\"", "\"name\": \"Wedding\\u0000Sales\"", "$.pipelines[0].name"),
        ("crm.json", "\"value\": \"website\"", "\"value\": \"web\\u0000site\"", "$.scoring[0].value"),
        (
            "crm.json", "\"on\": \"deal.won\"", "\"on\": \"deal.won\", \"x\\u0000\": 1",
            "$.pipelines[0].stages[4].auto_progress_rule[\"x\\u0000\"]"
        ),
        ("crm.json", "\"value\": 5000", "\"value\": [\"a\", {\"b\": \"\\u0000\"}]", "$.scoring[1].value[1].b"),
    ])
    func aNULIsRefusedWhereverItIs(file: String, old: String, new: String, path: String) throws {
        let found = try issues(in: file, replacing: old, with: new)
        let issue = try #require(found.first { $0.message.contains("NUL") }, "\(found)")
        #expect(issue.path == path)
        #expect(issue.position != nil)
    }

    @Test(arguments: [
        ("\u{1B}[2J", "U+001B"), ("two\\nlines", "U+000A"), ("tab\\tbed", "U+0009"), ("del\\u007f", "U+007F"),
        ("c1\\u009b31m", "U+009B"), ("bidi\\u202eevil", "U+202E"), ("sep\\u2028arator", "U+2028"),
    ])
    func namesRefuseControlCharacters(raw: String, codePoint: String) throws {
        let escaped = raw.replacingOccurrences(of: "\u{1B}", with: "\\u001b")
        for (file, old, new, path) in [
            ("tenant.json", "\"name\": \"Mr. DJ\"", "\"name\": \"Mr. \(escaped)\"", "$.name"),
            ("crm.json", "\"name\": \"Wedding Sales\"", "\"name\": \"W \(escaped)\"", "$.pipelines[0].name"),
            ("crm.json", "\"name\": \"Onderhandeling\"", "\"name\": \"O \(escaped)\"", "$.pipelines[0].stages[3].name"),
        ] {
            let found = try issues(in: file, replacing: old, with: new)
            #expect(found.count == 1, "\(found)")
            #expect(found.first?.path == path)
            #expect(found.first?.message.contains("control character \(codePoint)") == true, "\(found)")
        }
    }

    @Test func theFontRefusesControlCharactersToo() throws {
        let found = try issues(
            in: "tenant.json", replacing: "\"font\": \"Inter\"", with: "\"font\": \"Inter\\u001b[5m\"")
        #expect(found.map(\.path) == ["$.branding.font"])
    }

    /// `length(name) BETWEEN 1 AND 120` in the database counts code points; Swift's `count` counts graphemes.
    @Test func lengthsAreCountedAsPostgreSQLCountsThem() throws {
        // 60 graphemes of two code points each: 120 code points, the most a name may have.
        let combining = String(repeating: "e\u{301}", count: 60)
        #expect(
            try issues(in: "tenant.json", replacing: "\"name\": \"Mr. DJ\"", with: "\"name\": \"\(combining)\"").isEmpty
        )
        // One more: 61 graphemes that Swift would count as fine, 122 code points that PostgreSQL refuses.
        let tooLong = combining + "e\u{301}"
        let found = try issues(in: "tenant.json", replacing: "\"name\": \"Mr. DJ\"", with: "\"name\": \"\(tooLong)\"")
        #expect(found.map(\.message) == ["expected a name of 1 to 120 characters, found 122"])
        // A flag is one grapheme and two code points; 60 of them are fine, 61 are not.
        let flags = String(repeating: "🇳🇱", count: 61)
        let stage = try issues(in: "crm.json", replacing: "\"name\": \"Afgerond\"", with: "\"name\": \"\(flags)\"")
        #expect(stage.map(\.path) == ["$.pipelines[0].stages[9].name"])
    }

    @Test func anAutoProgressRuleMustMoveToAStageOfItsPipeline() throws {
        let found = try issues(
            in: "crm.json", replacing: "\"to\": \"project_gereed\"", with: "\"to\": \"project_gered\"")
        #expect(found.count == 1)
        #expect(found.first?.path == "$.pipelines[0].stages[4].auto_progress_rule.to")
        #expect(
            found.first?.message
                == "auto_progress_rule moves to stage 'project_gered', which this pipeline does not have (did you mean 'project_gereed'?)"
        )
        #expect(found.first?.position != nil)

        let missing = try issues(in: "crm.json", replacing: ", \"to\": \"project_gereed\"", with: "")
        #expect(missing.map(\.message) == ["missing required key 'to'"])
        let notAString = try issues(in: "crm.json", replacing: "\"to\": \"project_gereed\"", with: "\"to\": 7")
        #expect(notAString.map(\.path) == ["$.pipelines[0].stages[4].auto_progress_rule.to"])
    }

    @Test func workflowsNamedByTheAutomationMappingAndStagesMustExist() throws {
        #expect(
            try issues(
                in: "crm.json", replacing: "\"lead.created\"", with: "\"lead.created\"",
                workflows: Self.shippedWorkflows
            ).isEmpty)
        let mapping = try issues(
            in: "crm.json", replacing: "\"lead.created\": [\"lead_intake\"]",
            with: "\"lead.created\": [\"lead_intake\", \"lead_intak\"]",
            workflows: Self.shippedWorkflows)
        #expect(mapping.map(\.path) == ["$.automation[\"lead.created\"][1]"])
        #expect(
            mapping.first?.message == "no workflow 'lead_intak' in the workflow library (did you mean 'lead_intake'?)")
        let stage = try issues(
            in: "crm.json", replacing: "\"automation\": \"post_event_care\"", with: "\"automation\": \"aftercare\"",
            workflows: Self.shippedWorkflows)
        #expect(stage.map(\.path) == ["$.pipelines[0].stages[7].automation"])
        // Without a library (the seeds' own layers), only the id's form is checked.
        #expect(
            try issues(
                in: "crm.json", replacing: "\"automation\": \"post_event_care\"", with: "\"automation\": \"aftercare\""
            ).isEmpty)
    }

    @Test(arguments: [
        "vault:https://hooks.example.com/teams/abc",
        "vault:http://vault.internal:8200/v1/secret/data/x#y",
        "vault://secret/data/x#y",
        "vault:secret/data/x",
        "vault:secret#y",
        "vault:secret/../other#y",
        "vault:secret//data#y",
        "vault:secret/data/x#",
        "vault:/secret/data#y",
        "vault:secret/da ta#y",
    ])
    func aSecretReferenceIsAVaultPathNotAURL(_ reference: String) throws {
        let found = try issues(
            in: "crm.json", replacing: "\"vault:secret/data/rentguy/tenants/mrdj/teams#sales\"",
            with: JSONValue.quote(reference))
        #expect(found.map(\.path) == ["$.webhooks.teams_sales.secret_ref"], "\(reference)")
    }

    @Test(arguments: [
        "vault:secret/data/rentguy/tenants/mrdj/teams#sales", "vault:kv/tenants/acme-1/teams.v2#url_sales",
    ])
    func vaultPathsAreAccepted(_ reference: String) {
        #expect(VaultReference.isValid(reference))
    }
}
