import Foundation
import ProvisionKit
import RGCore
import TestSupport
import Testing

/// The rendered manifests against Kubernetes' own schemas (`kubernetes-validate --strict`, PyPI, installed by
/// scripts/bootstrap.sh), and the values read back by a second YAML parser (PyYAML).
@Suite struct DeployValidationTests {
    static let tools = TestRequirements.python("kubernetes_validate", "yaml")

    /// mrdj, a slug with an underscore, and a tenant whose name is full of YAML's special characters.
    static func packs() throws -> [ConfigPack] {
        [
            try DeployFixtures.mrdj(),
            try DeployFixtures.pack(slug: "acme_events", domain: "acme-events.rentguy.nl"),
            try DeployFixtures.pack(
                slug: "x9", name: "Evil \"DJ\": {{ .Values.x }} #1 ${domain} - yes", domain: "x9.rentguy.nl"),
        ]
    }

    @Test(.enabled(if: tools, "needs kubernetes-validate and PyYAML (scripts/bootstrap.sh installs them)"))
    func manifestsPassKubernetesValidateStrict() throws {
        for pack in try Self.packs() {
            let directory = try DeployFixtures.temporaryDirectory("deploy-validate")
            try DeployWriter.apply(
                files: try DeployRenderer.render(pack: pack, template: try DeployFixtures.template()), under: directory)
            let result = try Python.run(
                "import sys; from kubernetes_validate.__main__ import main; sys.exit(main())",
                arguments: ["--strict", "\(directory)/namespace.yaml", "\(directory)/externalsecrets.yaml"])
            #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
            let namespace = DeployNames.namespace(for: pack.tenant.slug)
            #expect(result.stdout.contains("passed for resource namespace/\(namespace)"), "\(result.stdout)")
            #expect(!result.stdout.contains("ERROR"), "\(result.stdout)")
        }
    }

    @Test(.enabled(if: tools, "needs PyYAML (scripts/bootstrap.sh installs it)"))
    func pyYAMLReadsTheSameValues() throws {
        for pack in try Self.packs() {
            let directory = try DeployFixtures.temporaryDirectory("deploy-pyyaml")
            try DeployWriter.apply(
                files: try DeployRenderer.render(pack: pack, template: try DeployFixtures.template()), under: directory)
            let script = """
                import json, sys, yaml
                values = yaml.safe_load(open(sys.argv[1]))
                print(json.dumps([values["tenant"]["name"], values["ingress"]["host"], values["redis"]["queue"],
                                  values["backend"]["replicas"], values["frontend"]["branding"]["primaryColor"]]))
                """
            let result = try Python.run(script, arguments: ["\(directory)/values.yaml"])
            #expect(result.status == 0, "\(result.stderr)")
            let read = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Any]
            #expect(read?[0] as? String == pack.tenant.name)
            #expect(read?[1] as? String == pack.tenant.domain)
            #expect(read?[2] as? String == "crm_automation_queue:\(pack.tenant.slug)")
            #expect(read?[3] as? Int == 2)
            #expect(read?[4] as? String == pack.tenant.branding.primaryColor)
        }
    }
}
