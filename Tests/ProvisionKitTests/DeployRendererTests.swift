import Foundation
import ProvisionKit
import RGCore
import TestSupport
import Testing

/// The deploy resource's rendering: a pure function of the pack and the chart's values template.
@Suite struct DeployRendererTests {
    @Test func valuesCarryTheHostsDNSRecordsTLSBrandingAndQueue() throws {
        let files = try DeployFixtures.render(try DeployFixtures.mrdj())
        #expect(files.keys.sorted() == DeployRenderer.fileNames.sorted())
        let values = try DeployFixtures.document(files["values.yaml"])
        let ingress = try #require(values["ingress"])
        #expect(ingress["host"]?.text == "mr-dj.rentguy.nl")
        #expect(ingress["enabled"] == .plain("true"))
        #expect(ingress["tls"]?["secretName"]?.text == "rg-mrdj-crm-tls")
        #expect(
            DeployFixtures.strings(ingress["tls"]?["hosts"]) == ["mr-dj.rentguy.nl", "metabase.mr-dj.rentguy.nl"])
        #expect(
            ingress["annotations"]?["external-dns.alpha.kubernetes.io/hostname"]?.text
                == "mr-dj.rentguy.nl,metabase.mr-dj.rentguy.nl")
        #expect(values["metabase"]?["host"]?.text == "metabase.mr-dj.rentguy.nl")
        #expect(values["redis"]?["queue"]?.text == "crm_automation_queue:mrdj")
        #expect(values["backend"]?["env"]?["RG_AUTOMATION_QUEUE"]?.text == "crm_automation_queue:mrdj")
        #expect(values["backend"]?["env"]?["RG_PUBLIC_URL"]?.text == "https://mr-dj.rentguy.nl")
        #expect(values["backend"]?["replicas"] == .plain("2"))
        #expect(values["backend"]?["image"]?["tag"]?.text == "0.1.0")
        #expect(
            DeployFixtures.strings(values["backend"]?["secretNames"]) == [
                "crm-postgres-app-url", "crm-postgres-reader-url", "crm-redis-password", "crm-teams",
            ])
        let branding = try #require(values["frontend"]?["branding"])
        #expect(branding["primaryColor"]?.text == "#111827")
        #expect(branding["accentColor"]?.text == "#EF4444")
        #expect(branding["logoUrl"]?.text == "https://mr-dj.rentguy.nl/assets/brand/mr-dj-logo.svg")
        #expect(DeployFixtures.strings(branding["palette"]) == ["#FFFFFF", "#1F2937", "#6B7280", "#DC2626"])
        #expect(values["tenant"]?["namespace"]?.text == "rg-mrdj-crm")
        #expect(DeployFixtures.strings(values["tenant"]?["verticals"]) == ["wedding", "corporate", "festival"])
    }

    @Test func theNamespaceIsLabelledWithTheTenant() throws {
        let files = try DeployFixtures.render(try DeployFixtures.mrdj())
        let namespace = try DeployFixtures.document(files["namespace.yaml"])
        #expect(namespace["apiVersion"]?.text == "v1")
        #expect(namespace["kind"]?.text == "Namespace")
        #expect(namespace["metadata"]?["name"]?.text == "rg-mrdj-crm")
        #expect(namespace["metadata"]?["labels"]?["rentguy.nl/tenant"]?.text == "mrdj")
        #expect(namespace["metadata"]?["labels"]?["app.kubernetes.io/managed-by"]?.text == "rg-crm")
        #expect(namespace["metadata"]?["annotations"]?["rentguy.nl/tenant-name"]?.text == "Mr. DJ")
    }

    /// Every `vault:` reference of crm.json has its ExternalSecret entry (path and field), the platform's secrets
    /// are read from their `value` field into the variable of their name, and no file holds anything but references.
    @Test func externalSecretsPointAtTheVaultPathsOfTheConfigPack() throws {
        let pack = try DeployFixtures.mrdj()
        let files = try DeployFixtures.render(pack)
        let secrets = try DeployFixtures.documents(files["externalsecrets.yaml"])
        #expect(secrets.count == 4)
        var referenced: Set<String> = []
        for secret in secrets {
            #expect(secret["apiVersion"]?.text == "external-secrets.io/v1")
            #expect(secret["kind"]?.text == "ExternalSecret")
            #expect(secret["metadata"]?["namespace"]?.text == "rg-mrdj-crm")
            #expect(secret["spec"]?["secretStoreRef"]?["name"]?.text == "vault-secret")
            #expect(secret["spec"]?["target"]?["name"] == secret["metadata"]?["name"])
            // What the ExternalSecret CRD's schema asks of names and keys.
            let subdomain = #/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/#
            for name in [secret["spec"]?["target"]?["name"]?.text, secret["spec"]?["secretStoreRef"]?["name"]?.text] {
                #expect(name?.wholeMatch(of: subdomain) != nil, "\(String(describing: name))")
            }
            if case .sequence(let data)? = secret["spec"]?["data"] {
                for entry in data {
                    let key = try #require(entry["remoteRef"]?["key"]?.text)
                    let property = try #require(entry["remoteRef"]?["property"]?.text)
                    let platform = key.hasPrefix("rentguy/tenants/mrdj/") && property == "value"
                    let name = String(key.dropFirst("rentguy/tenants/mrdj/".count))
                    #expect(entry["secretKey"]?.text == (platform ? name.uppercased() : property))
                    #expect(property.wholeMatch(of: #/[-._a-zA-Z0-9]+/#) != nil)
                    referenced.insert("\(key)#\(property)")
                }
            }
        }
        let expected = Set(
            pack.crm.webhooks.values.map { $0.secretRef.replacingOccurrences(of: "vault:secret/data/", with: "") }
                + VaultSecret.platformSecretNames.map { "rentguy/tenants/mrdj/\($0)#value" })
        #expect(referenced == expected)
        let names = secrets.compactMap { $0["metadata"]?["name"]?.text }
        #expect(names == ["crm-postgres-app-url", "crm-postgres-reader-url", "crm-redis-password", "crm-teams"])
    }

    @Test func keysAreSortedAndRenderingIsDeterministic() throws {
        let pack = try DeployFixtures.mrdj()
        let first = try DeployRenderer.render(pack: pack, template: try DeployFixtures.template())
        // The webhooks again, inserted in the other order: a dictionary's order must not reach the output.
        var shuffled = pack
        shuffled.crm.webhooks = [:]
        for key in pack.crm.webhooks.keys.sorted().reversed() { shuffled.crm.webhooks[key] = pack.crm.webhooks[key] }
        let second = try DeployRenderer.render(pack: shuffled, template: try DeployFixtures.template())
        #expect(first == second)
        #expect(first.map(\.relativePath) == DeployRenderer.fileNames)
        for file in first {
            for document in try YAMLTree.parseDocuments(file.bytes) {
                for (path, keys) in DeployFixtures.mappings(document) {
                    #expect(
                        keys == keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) },
                        "\(file.relativePath) \(path)")
                }
            }
            #expect(RenderedFile.isPristine(file.bytes))
        }
    }

    /// Whatever a tenant's name or logo URL holds stays one scalar: read back, it is the same text, and no key,
    /// document or placeholder was added through it.
    @Test(arguments: [
        "Evil \"DJ\": {{ .Values.secret }} #1",
        "'quoted' & *alias !tag %directive @at `tick` | > -",
        "${domain} ${slug} $${name}",
        "a\nkind: Secret\n---\nx: y",
        "trailing space \\ back\\slash\t",
        "line\u{2028}separator \u{85} nel \u{202E}bidi \u{1B}[31m",
        "yes", "null", "- item", "key: value", "~", "0x1F", "12:30",
    ])
    func hostileNamesRoundTripAsOneString(_ name: String) throws {
        var pack = try DeployFixtures.pack(name: name)
        pack.tenant.branding.logoURL = "https://x.rentguy.nl/a#b: c'd\"e"
        let files = try DeployFixtures.render(pack)
        let values = try DeployFixtures.document(files["values.yaml"])
        #expect(values["tenant"]?["name"]?.text == name)
        #expect(values["frontend"]?["branding"]?["name"]?.text == name)
        #expect(values["frontend"]?["branding"]?["logoUrl"]?.text == "https://x.rentguy.nl/a#b: c'd\"e")
        #expect(values["ingress"]?["host"]?.text == "mr-dj.rentguy.nl")
        let template = try YAMLTree.parse(try DeployFixtures.template().bytes)
        guard case .mapping(let rendered) = values, case .mapping(let original) = template else {
            Issue.record("values are a mapping")
            return
        }
        #expect(rendered.map(\.0).sorted() == original.map(\.0).sorted())
        let namespace = try DeployFixtures.documents(files["namespace.yaml"])
        #expect(namespace.count == 1)
        #expect(namespace.first?["metadata"]?["annotations"]?["rentguy.nl/tenant-name"]?.text == name)
        // Every line of the file is still one line of YAML: no raw line break came from the name.
        #expect(!files["values.yaml"]!.text.contains("\nkind: Secret"))
    }

    /// A name or domain that breaks a line, or a domain with `:` or quotes, never gets this far: the pack's loader
    /// refuses it, and a pack built in code without the loader is refused by the renderer itself.
    @Test(arguments: ["mr-dj.rentguy.nl\nkind: Secret", "a:b.rentguy.nl", "\"x\".rentguy.nl", "x.nl #c", "X.NL", ""])
    func hostileDomainsAreRefused(_ domain: String) throws {
        var tenant = try ConfigFixtures.read("configs/tenants/mrdj/tenant.json")
        tenant["domain"] = domain
        let json = try JSONSerialization.data(withJSONObject: tenant)
        #expect(throws: ConfigError.self) {
            try ConfigPack.decodeTenant(try JSONParser.parse(Array(json)), file: "tenant.json")
        }
        let pack = try DeployFixtures.pack(domain: domain)
        #expect(throws: DeployError.self) { try DeployFixtures.render(pack) }
    }

    @Test func namesWithANewlineAreRefusedByThePack() throws {
        var tenant = try ConfigFixtures.read("configs/tenants/mrdj/tenant.json")
        tenant["name"] = "Mr.\nDJ"
        let json = try JSONSerialization.data(withJSONObject: tenant)
        #expect(throws: ConfigError.self) {
            try ConfigPack.decodeTenant(try JSONParser.parse(Array(json)), file: "tenant.json")
        }
    }

    /// A slug may hold `_`, a Kubernetes name may not: the namespace, TLS secret and labels stay valid.
    @Test func underscoresInASlugBecomeHyphensInKubernetesNames() throws {
        let files = try DeployFixtures.render(try DeployFixtures.pack(slug: "acme_events", domain: "acme.rentguy.nl"))
        let namespace = try DeployFixtures.document(files["namespace.yaml"])
        #expect(namespace["metadata"]?["name"]?.text == "rg-acme-events-crm")
        #expect(namespace["metadata"]?["labels"]?["rentguy.nl/tenant"]?.text == "acme_events")
        let values = try DeployFixtures.document(files["values.yaml"])
        #expect(values["ingress"]?["tls"]?["secretName"]?.text == "rg-acme-events-crm-tls")
        #expect(values["redis"]?["queue"]?.text == "crm_automation_queue:acme_events")
        // mrdj's references are copied unchanged here, so they lie outside acme_events' path: a digest is added.
        let names = try #require(DeployFixtures.strings(values["backend"]?["secretNames"]))
        #expect(names.prefix(3) == ["crm-postgres-app-url", "crm-postgres-reader-url", "crm-redis-password"])
        #expect(names.count == 4 && names[3].hasPrefix("crm-rentguy-tenants-mrdj-teams-"))
        let label = #/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/#
        for name in names + ["rg-acme-events-crm", "rg-acme-events-crm-tls"] {
            #expect(name.wholeMatch(of: label) != nil && name.count <= 63, "\(name)")
        }
    }

    @Test func vaultReferencesAreSplitIntoMountPathAndField() {
        #expect(
            VaultSecret.parse("vault:secret/data/rentguy/tenants/mrdj/teams#sales")! == (
                "secret", "rentguy/tenants/mrdj/teams", "sales"
            ))
        #expect(VaultSecret.parse("vault:kv/tenants/mrdj#teams_sales")! == ("kv", "tenants/mrdj", "teams_sales"))
        #expect(VaultSecret.parse("vault:https://hooks.example#x") == nil)
    }

    @Test func placeholdersAreFilledInOnePassAndDollarDollarIsALiteral() throws {
        let pack = try DeployFixtures.pack(name: "${domain}")
        let template = DeployFixtures.template(
            "a: ${name} at ${domain}\nb: $${HOME}/x\nc: ${verticals}\nd: plain\ne: '${slug}'\n")
        let values = try YAMLTree.parse(try DeployRenderer.render(pack: pack, template: template)[1].bytes)
        #expect(values["a"]?.text == "${domain} at mr-dj.rentguy.nl")
        #expect(values["b"]?.text == "${HOME}/x")
        #expect(DeployFixtures.strings(values["c"]) == ["wedding", "corporate", "festival"])
        #expect(values["d"] == .plain("plain"))
        #expect(values["e"]?.text == "mrdj")
    }

    @Test func templateMistakesAreNamedByFileAndPath() throws {
        let pack = try DeployFixtures.mrdj()
        let cases: [(String, String)] = [
            ("a:\n  b: ${nope}\n", "values.template.yaml: $.a.b: unknown placeholder ${nope}"),
            ("a: x ${verticals}\n", "values.template.yaml: $.a: ${verticals} is a list"),
            ("a: ${slug\n", "values.template.yaml: $.a: unterminated placeholder"),
            ("a: host:port\n", "values.template.yaml: $.a: plain value \"host:port\" must be quoted"),
            ("a: [1, &x 2]\n", "values.template.yaml:1:8: anchors are not supported here"),
            ("a: 1\na: 2\n", "values.template.yaml:2:1: duplicate key \"a\""),
            ("a: [\n", "values.template.yaml:2:1:"),
            ("- a\n", "values.template.yaml: $: the values template must be a mapping"),
        ]
        for (text, message) in cases {
            do {
                _ = try DeployRenderer.render(pack: pack, template: DeployFixtures.template(text))
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.hasPrefix(message), "\(error.description)")
                #expect(error.category == .usage)
                #expect(!error.description.contains("\n"))
            }
        }
    }

    /// The chart's templates read only values the rendered values.yaml has: the values are the chart's.
    @Test func everyValueTheChartReadsIsRendered() throws {
        let values = try DeployFixtures.document(try DeployFixtures.render(try DeployFixtures.mrdj())["values.yaml"])
        let folder = TestPaths.repository("deploy/helm/rentguy-crm/templates")
        var seen = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let text = try String(contentsOfFile: "\(folder)/\(name)", encoding: .utf8)
            for match in text.matches(of: #/\.Values((?:\.[A-Za-z][A-Za-z0-9]*)+)/#) {
                var node: YAMLTree? = values
                for key in match.output.1.split(separator: ".") { node = node?[String(key)] }
                #expect(node != nil, "\(name): .Values\(match.output.1) is not in values.yaml")
                seen += 1
            }
        }
        #expect(seen > 20)
    }
}

/// The artefacts read the secrets provisioning writes: every platform secret an ExternalSecret names is one the
/// `secrets` or `redis` resource stores, at the path and in the field (`value`) the secret store writes.
@Suite struct DeploySecretsMatchProvisioningTests {
    @Test func everyPlatformSecretTheArtefactsReadIsOneProvisioningWrites() throws {
        let written = Set(TenantSecrets.everyName)
        #expect(Set(VaultSecret.platformSecretNames).isSubset(of: written))
        let slug = try Slug("mrdj")
        let store = VaultSecretStore(VaultSettings(address: "http://127.0.0.1:1", token: "t"), slug: slug)
        let pack = try ConfigPack.load(slug: slug, configDirectory: TestPaths.repository("configs/tenants"))
        for secret in VaultSecret.all(of: pack) where secret.path.hasPrefix(VaultSecret.tenantPrefix(slug)) {
            let name = String(secret.path.dropFirst(VaultSecret.tenantPrefix(slug).count))
            guard VaultSecret.platformSecretNames.contains(name) else { continue }
            #expect(store.identity(name) == "vault:secret/data/\(secret.path)")
            #expect(secret.fields == ["value"])
            #expect(secret.secretKeys["value"] == name.uppercased())
        }
    }
}
