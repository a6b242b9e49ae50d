import Foundation
import ProvisionKit
import RGCore
import TestSupport
import Testing

/// `tenant init` as a library: a new pack from mrdj's, validated before anything is written, never overwriting.
@Suite struct InitTests {
    /// A config folder holding only a copy of the shipped packs.
    static func configs() throws -> String {
        let directory = try TestPaths.temporaryDirectory("init-configs")
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.copyItem(atPath: TestPaths.repository("configs/tenants"), toPath: directory)
        return directory
    }

    static func request(
        _ configs: String, slug: String = "acme", name: String = "Acme Events", domain: String = "acme.rentguy.nl",
        verticals: [String] = ["wedding", "corporate"], primaryColor: String? = "#0F766E"
    ) throws -> TenantInitRequest {
        TenantInitRequest(
            slug: try Slug(slug), name: name, domain: domain, verticals: verticals, primaryColor: primaryColor,
            source: try Slug("mrdj"), configDirectory: configs)
    }

    @Test func theNewPackIsMrDJsRewrittenForTheNewTenant() throws {
        let configs = try Self.configs()
        let plan = try TenantInitializer.plan(try Self.request(configs))
        #expect(plan.changes.map(\.action) == [.create, .create])
        let done = try TenantInitializer.apply(plan)
        #expect(done.applied && done.count(.create) == 2)

        let pack = try ConfigPack.load(slug: try Slug("acme"), configDirectory: configs)
        #expect(pack.tenant.name == "Acme Events")
        #expect(pack.tenant.domain == "acme.rentguy.nl")
        #expect(pack.tenant.verticals == [.wedding, .corporate])
        #expect(pack.tenant.branding.primaryColor == "#0F766E")
        #expect(pack.tenant.branding.accentColor == "#EF4444")
        #expect(pack.tenant.branding.logoURL == "https://acme.rentguy.nl/assets/brand/logo.svg")
        #expect(pack.crm.webhooks["teams_sales"]?.secretRef == "vault:secret/data/rentguy/tenants/acme/teams#sales")
        #expect(
            pack.crm.webhooks["teams_operations"]?.secretRef
                == "vault:secret/data/rentguy/tenants/acme/teams#operations")
        let source = try ConfigPack.load(slug: try Slug("mrdj"), configDirectory: configs)
        #expect(pack.crm.pipelines == source.crm.pipelines)
        #expect(pack.crm.scoring == source.crm.scoring)
        #expect(pack.crm.automation == source.crm.automation)

        // Nothing of mrdj's left in the new files, and keys in the source's order.
        for name in ["tenant.json", "crm.json"] {
            let text = try String(contentsOfFile: "\(configs)/acme/\(name)", encoding: .utf8)
            #expect(!text.contains("mrdj") && !text.contains("mr-dj") && !text.contains("Mr. DJ"), "\(text)")
            let keys = try JSONParser.parse(text).members?.map(\.key)
            let sourceKeys = try JSONParser.parse(
                try String(contentsOfFile: "\(configs)/mrdj/\(name)", encoding: .utf8)
            ).members?.map(\.key)
            #expect(keys == sourceKeys)
        }
        // No staging folder left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: configs).sorted() == ["acme", "mrdj"])
    }

    @Test func pipelinesOfVerticalsTheTenantDoesNotServeAreLeftOutAndSaid() throws {
        let configs = try Self.configs()
        let plan = try TenantInitializer.plan(try Self.request(configs, verticals: ["festival"]))
        try TenantInitializer.apply(plan)
        let pack = try ConfigPack.load(slug: try Slug("acme"), configDirectory: configs)
        #expect(pack.crm.pipelines.isEmpty)
        #expect(plan.notes.contains { $0.contains("pipeline 'wedding_sales'") })
    }

    /// Same arguments on the pack they wrote: unchanged, nothing written. Anything else there: refused, untouched.
    @Test func anExistingPackIsNeverOverwritten() throws {
        let configs = try Self.configs()
        try TenantInitializer.apply(try TenantInitializer.plan(try Self.request(configs)))
        let before = try Data(contentsOf: URL(fileURLWithPath: "\(configs)/acme/tenant.json"))
        let again = try TenantInitializer.plan(try Self.request(configs))
        #expect(again.changes.map(\.action) == [.unchanged, .unchanged])
        #expect(!(try TenantInitializer.apply(again)).hasChanges)

        for request in [
            try Self.request(configs, name: "Acme"), try Self.request(configs, primaryColor: nil),
            try Self.request(configs, slug: "mrdj"),
        ] {
            do {
                _ = try TenantInitializer.plan(request)
                Issue.record("overwrote \(request.slug)")
            } catch {
                #expect(error.category == .usage)
                #expect(error.description.contains("already exists"))
                #expect(error.lines.count == 1)
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(configs)/acme/tenant.json")) == before)

        // A folder with anything else in it is refused too; an empty one is filled.
        try FileManager.default.createDirectory(atPath: "\(configs)/other", withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: "\(configs)/other/notes.txt"))
        #expect(throws: TenantInitError.self) { try TenantInitializer.plan(try Self.request(configs, slug: "other")) }
        try FileManager.default.createDirectory(atPath: "\(configs)/empty", withIntermediateDirectories: true)
        try TenantInitializer.apply(try TenantInitializer.plan(try Self.request(configs, slug: "empty")))
        _ = try ConfigPack.load(slug: try Slug("empty"), configDirectory: configs)
    }

    /// Each bad flag is one line naming the flag; nothing is written.
    @Test func badInputIsNamedByItsFlagAndNothingIsWritten() throws {
        let configs = try Self.configs()
        let cases: [(TenantInitRequest, [String])] = [
            (try Self.request(configs, domain: "Not A Domain"), ["--domain: expected a domain name"]),
            (try Self.request(configs, domain: "acme.nl\nkind: x"), ["--domain: expected a domain name"]),
            (try Self.request(configs, primaryColor: "red"), ["--primary-color: expected a hex colour"]),
            (try Self.request(configs, verticals: ["weddings"]), ["--vertical: unknown vertical 'weddings'"]),
            (try Self.request(configs, verticals: []), ["--vertical: expected at least one element"]),
            (
                try Self.request(configs, verticals: ["wedding", "wedding"]),
                ["--vertical: vertical 'wedding' is listed twice"]
            ),
            (try Self.request(configs, name: "Acme\nEvents"), ["--name: control character U+000A"]),
            (try Self.request(configs, name: ""), ["--name: expected a name of 1 to 120 characters"]),
            (
                try Self.request(configs, domain: "Bad", primaryColor: "blue"),
                ["--domain: expected", "--primary-color: expected"]
            ),
        ]
        for (request, expected) in cases {
            do {
                _ = try TenantInitializer.plan(request)
                Issue.record("accepted \(request)")
            } catch {
                #expect(error.category == .usage)
                #expect(error.lines.count == expected.count, "\(error.lines)")
                for (line, prefix) in zip(error.lines, expected) {
                    #expect(line.hasPrefix(prefix), "\(line)")
                    #expect(!line.contains("\n"))
                }
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "\(configs)/acme"))
        #expect(throws: SlugError.self) { try Slug("Acme") }
        #expect(throws: TenantInitError.self) {
            try TenantInitializer.plan(
                TenantInitRequest(
                    slug: try Slug("acme"), name: "A", domain: "a.nl", verticals: ["wedding"],
                    source: try Slug("nosuch"), configDirectory: configs))
        }
    }

    /// What a run killed while writing leaves is a hidden staging folder, never a half pack: the tenant has no
    /// pack until the rename, and the next run writes it whole.
    @Test func aKilledRunLeavesNoHalfPack() throws {
        let configs = try Self.configs()
        let staging = "\(configs)/.acme.rg-crm-999999.tmp"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        try Data("{".utf8).write(to: URL(fileURLWithPath: "\(staging)/tenant.json"))
        #expect(throws: ConfigError.self) { try ConfigPack.load(slug: try Slug("acme"), configDirectory: configs) }
        try TenantInitializer.apply(try TenantInitializer.plan(try Self.request(configs)))
        _ = try ConfigPack.load(slug: try Slug("acme"), configDirectory: configs)
    }

    /// A tenant from `tenant init` renders its deploy artefacts beside mrdj's, under its own names and paths.
    @Test func anInitialisedTenantRendersItsOwnDeployArtefacts() throws {
        let configs = try Self.configs()
        try TenantInitializer.apply(try TenantInitializer.plan(try Self.request(configs, slug: "acme_events")))
        let pack = try ConfigPack.load(slug: try Slug("acme_events"), configDirectory: configs)
        let files = try DeployRenderer.render(pack: pack, template: try DeployFixtures.template())
        let values = try YAMLTree.parse(files[1].bytes)
        #expect(values["ingress"]?["host"]?.text == "acme.rentguy.nl")
        #expect(
            DeployFixtures.strings(values["backend"]?["secretNames"]) == [
                "crm-postgres-app-url", "crm-postgres-reader-url", "crm-redis-password", "crm-teams",
            ])
        let secrets = try YAMLTree.parseDocuments(files[2].bytes)
        #expect(secrets.allSatisfy { $0["metadata"]?["namespace"]?.text == "rg-acme-events-crm" })
        #expect(!files.contains { $0.text.contains("mrdj") || $0.text.contains("mr-dj") })
    }
}
