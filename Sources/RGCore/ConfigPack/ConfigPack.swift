import Foundation

/// A tenant's config pack: `configs/tenants/<slug>/tenant.json` and `crm.json`, validated and typed.
public struct ConfigPack: Sendable, Equatable {
    public var tenant: TenantConfig
    public var crm: CRMConfig
    /// The folder the pack was read from.
    public var directory: String

    public init(tenant: TenantConfig, crm: CRMConfig, directory: String) {
        self.tenant = tenant
        self.crm = crm
        self.directory = directory
    }

    /// The default folder of every tenant's pack.
    public static let defaultConfigDirectory = "configs/tenants"
    /// Config files are small; anything bigger is refused before it is parsed.
    public static let maximumFileSize = 1 << 20

    /// Reads and validates `<configDirectory>/<slug>/`. Throws `ConfigError` naming every bad value. With
    /// `workflows` (the ids of the workflow library), every workflow the automation mapping or a stage names must
    /// be one of them.
    public static func load(
        slug: Slug, configDirectory: String = defaultConfigDirectory, workflows: Set<String>? = nil
    ) throws(ConfigError) -> ConfigPack {
        let directory = (configDirectory as NSString).appendingPathComponent(slug.rawValue)
        let tenantFile = (directory as NSString).appendingPathComponent("tenant.json")
        let crmFile = (directory as NSString).appendingPathComponent("crm.json")
        guard FileManager.default.fileExists(atPath: directory) else {
            throw ConfigError([
                ConfigIssue(
                    file: directory, path: "$", position: nil,
                    message: "no config pack for tenant '\(slug)' (expected \(tenantFile) and \(crmFile))",
                    unreadable: true)
            ])
        }
        var issues: [ConfigIssue] = []
        var tenant: TenantConfig?
        var crm: CRMConfig?
        do { tenant = try decodeTenant(try readJSON(tenantFile), file: tenantFile) } catch { issues += error.issues }
        do { crm = try decodeCRM(try readJSON(crmFile), file: crmFile, workflows: workflows) } catch {
            issues += error.issues
        }
        if let tenant, tenant.slug != slug {
            issues.append(
                ConfigIssue(
                    file: tenantFile, path: "$.slug", position: nil,
                    message: "slug '\(tenant.slug)' does not match its folder '\(slug)'"))
        }
        guard issues.isEmpty, let tenant, let crm else { throw ConfigError(issues) }
        return ConfigPack(tenant: tenant, crm: crm, directory: directory)
    }

    /// Reads a JSON file with a size limit; syntax errors carry line:col.
    public static func readJSON(_ file: String) throws(ConfigError) -> JSONNode {
        let bytes: [UInt8]
        do {
            bytes = try BoundedFile.read(file, limit: maximumFileSize)
        } catch {
            throw ConfigError([
                ConfigIssue(file: file, path: "$", position: nil, message: error.reason, unreadable: true)
            ])
        }
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw ConfigError([
                ConfigIssue(file: file, path: "$", position: error.position, message: "invalid JSON: \(error.message)")
            ])
        }
    }

    public static func decodeTenant(_ root: JSONNode, file: String) throws(ConfigError) -> TenantConfig {
        var reader = NodeReader(file: file)
        reader.refuseNUL(root, "$")
        let fields = reader.object(
            root, "$", allowed: ["slug", "name", "domain", "verticals", "branding"],
            required: ["slug", "name", "domain", "verticals", "branding"])
        let slugText = reader.string(
            fields?["slug"], "$.slug", pattern: Slug.isValid, expected: "a slug matching ^[a-z][a-z0-9_]{1,30}$")
        let name = reader.name(fields?["name"], "$.name", maximum: 120)
        let domain = reader.string(
            fields?["domain"], "$.domain", pattern: DomainName.isValid, expected: "a domain name like mr-dj.rentguy.nl")
        var verticals: [Vertical] = []
        for (index, node) in (reader.array(fields?["verticals"], "$.verticals", nonEmpty: true) ?? []).enumerated() {
            let path = "$.verticals[\(index)]"
            guard let text = reader.string(node, path) else { continue }
            guard let vertical = Vertical(rawValue: text) else {
                reader.fail(
                    path, node,
                    "unknown vertical '\(text)' (known: \(Vertical.allCases.map(\.rawValue).joined(separator: ", ")))")
                continue
            }
            if verticals.contains(vertical) {
                reader.fail(path, node, "vertical '\(text)' is listed twice")
            }
            verticals.append(vertical)
        }
        let branding = decodeBranding(fields?["branding"], reader: &reader)
        guard reader.issues.isEmpty, let slugText, let slug = try? Slug(slugText), let name, let domain, let branding
        else {
            throw ConfigError(reader.issues)
        }
        return TenantConfig(slug: slug, name: name, domain: domain, verticals: verticals, branding: branding)
    }

    private static func decodeBranding(_ node: JSONNode?, reader: inout NodeReader) -> Branding? {
        let colours = ["primary_color", "background_color", "accent_color"]
        let fields = reader.object(
            node, "$.branding", allowed: colours + ["logo_url", "font", "palette"],
            required: colours + ["logo_url", "font"])
        let colour = "a hex colour #rgb or #rrggbb"
        let primary = reader.string(
            fields?["primary_color"], "$.branding.primary_color", pattern: HexColor.isValid, expected: colour)
        let background = reader.string(
            fields?["background_color"], "$.branding.background_color", pattern: HexColor.isValid, expected: colour)
        let accent = reader.string(
            fields?["accent_color"], "$.branding.accent_color", pattern: HexColor.isValid, expected: colour)
        let logo = reader.string(
            fields?["logo_url"], "$.branding.logo_url", pattern: HTTPSURL.isValid, expected: "an https:// URL")
        // A font family goes into CSS and MJML attributes: no character that ends a value or a rule.
        let font = reader.name(fields?["font"], "$.branding.font", maximum: 80, expected: "a font family name") {
            !"<>{};\"\\".unicodeScalars.contains($0)
        }
        var palette: [String] = []
        for (index, entry) in (reader.array(fields?["palette"], "$.branding.palette") ?? []).enumerated() {
            if let text = reader.string(
                entry, "$.branding.palette[\(index)]", pattern: HexColor.isValid, expected: colour)
            {
                palette.append(text)
            }
        }
        guard let primary, let background, let accent, let logo, let font else { return nil }
        return Branding(
            primaryColor: primary, backgroundColor: background, accentColor: accent, logoURL: logo, font: font,
            palette: palette)
    }

    public static func decodeCRM(_ root: JSONNode, file: String, workflows: Set<String>? = nil) throws(ConfigError)
        -> CRMConfig
    {
        var reader = NodeReader(file: file)
        reader.workflows = workflows
        reader.refuseNUL(root, "$")
        let fields = reader.object(
            root, "$", allowed: ["pipelines", "scoring", "automation", "webhooks"], required: [])
        var config = CRMConfig()
        var pipelineKeys: [String: Int] = [:]
        for (index, node) in (reader.array(fields?["pipelines"], "$.pipelines") ?? []).enumerated() {
            guard let pipeline = decodePipeline(node, path: "$.pipelines[\(index)]", reader: &reader) else { continue }
            if let earlier = pipelineKeys[pipeline.key] {
                reader.fail(
                    "$.pipelines[\(index)].key", node["key"],
                    "pipeline key '\(pipeline.key)' is already used by $.pipelines[\(earlier)]")
                continue
            }
            pipelineKeys[pipeline.key] = index
            config.pipelines.append(pipeline)
        }
        let defaults = Dictionary(grouping: config.pipelines.filter(\.isDefault), by: { $0.vertical?.rawValue ?? "" })
        for (vertical, pipelines) in defaults where pipelines.count > 1 {
            reader.fail(
                "$.pipelines", fields?["pipelines"],
                "more than one default pipeline for \(vertical.isEmpty ? "the tenant" : "vertical '\(vertical)'"): \(pipelines.map(\.key).joined(separator: ", "))"
            )
        }
        for (index, node) in (reader.array(fields?["scoring"], "$.scoring") ?? []).enumerated() {
            if let rule = decodeScoringRule(node, path: "$.scoring[\(index)]", reader: &reader) {
                config.scoring.append(rule)
            }
        }
        if let automation = fields?["automation"] {
            if let members = automation.members {
                for member in members {
                    let path = "$.automation[\(JSONValue.quote(member.key))]"
                    if !CRMConfig.triggers.contains(member.key) {
                        let hint =
                            Suggestion.closest(to: member.key, in: CRMConfig.triggers).map {
                                " (did you mean '\($0)'?)"
                            } ?? ""
                        reader.fail(path, at: member.keyPosition, "unknown trigger '\(member.key)'\(hint)")
                        continue
                    }
                    var workflows: [String] = []
                    for (index, entry) in (reader.array(member.value, path) ?? []).enumerated() {
                        if let id = reader.workflow(entry, "\(path)[\(index)]") { workflows.append(id) }
                    }
                    config.automation[member.key] = workflows
                }
            } else {
                reader.fail("$.automation", automation, "expected an object, found \(automation.typeName)")
            }
        }
        if let webhooks = fields?["webhooks"] {
            if let members = webhooks.members {
                for member in members {
                    let path = "$.webhooks.\(member.key)"
                    guard Identifier.isValid(member.key) else {
                        reader.fail(path, at: member.keyPosition, "webhook name must be snake_case")
                        continue
                    }
                    let hook = reader.object(
                        member.value, path, allowed: ["channel", "secret_ref"], required: ["channel", "secret_ref"])
                    let channelText = reader.string(hook?["channel"], "\(path).channel")
                    let channel = channelText.flatMap(WebhookConfig.Channel.init(rawValue:))
                    if channelText != nil && channel == nil {
                        reader.fail(
                            "\(path).channel", hook?["channel"],
                            "expected one of \(WebhookConfig.Channel.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    let secret = reader.string(
                        hook?["secret_ref"], "\(path).secret_ref", pattern: VaultReference.isValid,
                        expected:
                            "a Vault reference like vault:secret/data/tenants/mrdj#teams_sales (a path in Vault, never a URL)"
                    )
                    if let channel, let secret {
                        config.webhooks[member.key] = WebhookConfig(channel: channel, secretRef: secret)
                    }
                }
            } else {
                reader.fail("$.webhooks", webhooks, "expected an object, found \(webhooks.typeName)")
            }
        }
        guard reader.issues.isEmpty else { throw ConfigError(reader.issues) }
        return config
    }

    private static func decodePipeline(_ node: JSONNode, path: String, reader: inout NodeReader) -> PipelineConfig? {
        let fields = reader.object(
            node, path, allowed: ["key", "name", "vertical", "type", "sla_response_hours", "is_default", "stages"],
            required: ["key", "name", "stages"])
        let key = reader.string(
            fields?["key"], "\(path).key", pattern: Identifier.isValid, expected: "a key in snake_case")
        let name = reader.name(fields?["name"], "\(path).name", maximum: 120)
        var vertical: Vertical?
        if let text = reader.string(fields?["vertical"], "\(path).vertical") {
            vertical = Vertical(rawValue: text)
            if vertical == nil {
                reader.fail(
                    "\(path).vertical", fields?["vertical"],
                    "unknown vertical '\(text)' (known: \(Vertical.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        let type =
            reader.string(
                fields?["type"], "\(path).type", pattern: Identifier.isValid, expected: "a pipeline type in snake_case")
            ?? "sales"
        let sla = fields?["sla_response_hours"].map { reader.hours($0, "\(path).sla_response_hours") } ?? 24
        let isDefault = reader.bool(fields?["is_default"], "\(path).is_default") ?? false
        var stages: [StageConfig] = []
        var stageKeys: [String: Int] = [:]
        // auto_progress_rule targets, checked once every stage of the pipeline is known (a rule may point forward).
        var ruleTargets: [(key: String, path: String, node: JSONNode)] = []
        // Every key a stage declares, even a stage with another problem: its rule targets are not reported twice.
        var declaredKeys: Set<String> = []
        for (index, stageNode) in (reader.array(fields?["stages"], "\(path).stages", nonEmpty: true) ?? []).enumerated()
        {
            let stagePath = "\(path).stages[\(index)]"
            let stageFields = reader.object(
                stageNode, stagePath, allowed: ["key", "name", "sla_hours", "auto_progress_rule", "automation"],
                required: ["key", "name", "sla_hours"])
            let stageKey = reader.string(
                stageFields?["key"], "\(stagePath).key", pattern: Identifier.isValid, expected: "a key in snake_case")
            let stageName = reader.name(stageFields?["name"], "\(stagePath).name", maximum: 120)
            let slaHours = reader.hours(stageFields?["sla_hours"], "\(stagePath).sla_hours")
            var rule: JSONValue?
            if let ruleNode = stageFields?["auto_progress_rule"] {
                if ruleNode.members == nil, case .null = ruleNode.value {
                } else if ruleNode.members == nil {
                    reader.fail(
                        "\(stagePath).auto_progress_rule", ruleNode, "expected an object, found \(ruleNode.typeName)")
                } else {
                    rule = ruleNode.plain
                    let rulePath = "\(stagePath).auto_progress_rule"
                    let ruleFields = reader.object(
                        ruleNode, rulePath, allowed: ruleNode.members?.map(\.key) ?? [], required: ["on", "to"])
                    _ = reader.string(ruleFields?["on"], "\(rulePath).on")
                    if let targetNode = ruleFields?["to"], let target = reader.string(targetNode, "\(rulePath).to") {
                        ruleTargets.append((target, "\(rulePath).to", targetNode))
                    }
                }
            }
            let automation = reader.workflow(stageFields?["automation"], "\(stagePath).automation")
            if let stageKey { declaredKeys.insert(stageKey) }
            if let stageKey, let earlier = stageKeys[stageKey] {
                reader.fail(
                    "\(stagePath).key", stageFields?["key"],
                    "stage key '\(stageKey)' is already used by \(path).stages[\(earlier)]")
                continue
            }
            if let stageKey, let stageName, let slaHours {
                stageKeys[stageKey] = index
                stages.append(
                    StageConfig(
                        key: stageKey, name: stageName, slaHours: slaHours, autoProgressRule: rule,
                        automation: automation))
            }
        }
        for target in ruleTargets where !declaredKeys.contains(target.key) {
            let hint =
                Suggestion.closest(to: target.key, in: stages.map(\.key)).map { " (did you mean '\($0)'?)" } ?? ""
            reader.fail(
                target.path, target.node,
                "auto_progress_rule moves to stage '\(target.key)', which this pipeline does not have\(hint)")
        }
        guard let key, let name, let sla else { return nil }
        return PipelineConfig(
            key: key, name: name, vertical: vertical, type: type, slaResponseHours: sla, isDefault: isDefault,
            stages: stages)
    }

    private static func decodeScoringRule(_ node: JSONNode, path: String, reader: inout NodeReader) -> ScoringRule? {
        let fields = reader.object(
            node, path, allowed: ["field", "op", "value", "points"], required: ["field", "op", "value", "points"])
        let field = reader.string(
            fields?["field"], "\(path).field",
            pattern: { text in
                text.split(separator: ".").count >= 2
                    && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy {
                        Identifier.isValid(String($0))
                    }
            },
            expected: "a field path like lead.source")
        let opText = reader.string(fields?["op"], "\(path).op")
        let op = opText.flatMap(ScoringRule.Operator.init(rawValue:))
        if opText != nil && op == nil {
            reader.fail(
                "\(path).op", fields?["op"],
                "expected one of \(ScoringRule.Operator.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let points = reader.integer(fields?["points"], "\(path).points", in: -1000...1000)
        guard let field, let op, let value = fields?["value"], let points else { return nil }
        return ScoringRule(field: field, op: op, value: value.plain, points: points)
    }
}
