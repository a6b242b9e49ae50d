import RGCore

/// Renders a tenant's Kubernetes artefacts for GitOps, as pure functions of its config pack and the chart's values
/// template: no file is read or written here (`DeployWriter` does that).
///
/// - `namespace.yaml`: the Namespace `rg-<slug>-crm`, labelled with the tenant.
/// - `values.yaml`: the rentguy-crm chart's values: ingress hosts (the domain and `metabase.<domain>`), the TLS
///   secret, the `external-dns.alpha.kubernetes.io/hostname` annotation (the DNS records ExternalDNS creates),
///   branding, the Redis queue, the Secrets the pods read.
/// - `externalsecrets.yaml`: one ExternalSecret per Vault path the tenant uses (`rentguy/tenants/<slug>/<name>`,
///   the paths of `crm.json`'s `vault:` references), naming fields, never holding a value.
///
/// The output is deterministic — keys sorted, one quoting rule (`YAMLEmitter`) — so rendering an unchanged tenant
/// again gives the same bytes.
public enum DeployRenderer {
    /// Where the writer puts a tenant's files: `deploy/tenants/<slug>/`.
    public static let defaultDirectory = "deploy/tenants"

    /// The files in the order they are written and reported.
    public static let fileNames = ["namespace.yaml", "values.yaml", "externalsecrets.yaml"]

    /// The labels every object of the tenant carries.
    static func labels(_ slug: Slug) -> YAMLTree {
        .mapping([
            ("app.kubernetes.io/managed-by", .string("rg-crm")),
            ("app.kubernetes.io/part-of", .string("rentguy-crm")),
            ("rentguy.nl/tenant", .string(slug.rawValue)),
        ])
    }

    public static func render(
        pack: ConfigPack, template: DeployTemplate, platformSecrets: [String] = VaultSecret.platformSecretNames
    ) throws(DeployError) -> [RenderedFile] {
        let names = try DeployNames(slug: pack.tenant.slug, domain: pack.tenant.domain)
        let secrets = VaultSecret.all(of: pack, platformSecrets: platformSecrets)
        let values = try template.filled(with: fills(pack: pack, names: names, secrets: secrets))
        return [
            try file("namespace.yaml", slug: names.slug, documents: [namespace(pack: pack, names: names)]),
            try file("values.yaml", slug: names.slug, documents: [values], template: template.path),
            try file(
                "externalsecrets.yaml", slug: names.slug,
                documents: secrets.map { externalSecret($0, names: names) }),
        ]
    }

    /// What each `${name}` of the values template stands for.
    public static func fills(pack: ConfigPack, names: DeployNames, secrets: [VaultSecret])
        -> [String: DeployTemplate.Fill]
    {
        let tenant = pack.tenant
        return [
            "slug": .text(tenant.slug.rawValue),
            "name": .text(tenant.name),
            "domain": .text(names.host),
            "namespace": .text(names.namespace),
            "metabase_host": .text(names.metabaseHost),
            "hosts": .list(names.dnsHostnames),
            "dns_hostnames": .text(names.dnsHostnames.joined(separator: ",")),
            "tls_secret": .text(names.tlsSecret),
            "redis_queue": .text(names.redisQueue),
            "verticals": .list(tenant.verticals.map(\.rawValue)),
            "primary_color": .text(tenant.branding.primaryColor),
            "background_color": .text(tenant.branding.backgroundColor),
            "accent_color": .text(tenant.branding.accentColor),
            "logo_url": .text(tenant.branding.logoURL),
            "font": .text(tenant.branding.font),
            "palette": .list(tenant.branding.palette),
            "secret_names": .list(secrets.map(\.kubernetesName)),
        ]
    }

    static func namespace(pack: ConfigPack, names: DeployNames) -> YAMLTree {
        .mapping([
            ("apiVersion", .string("v1")),
            ("kind", .string("Namespace")),
            (
                "metadata",
                .mapping([
                    ("name", .string(names.namespace)),
                    ("labels", labels(names.slug)),
                    // The display name is free text: an annotation (any string), never a label (a restricted one).
                    ("annotations", .mapping([("rentguy.nl/tenant-name", .string(pack.tenant.name))])),
                ])
            ),
        ])
    }

    static func externalSecret(_ secret: VaultSecret, names: DeployNames) -> YAMLTree {
        var spec: [(String, YAMLTree)] = [
            ("refreshInterval", .string("1h")),
            (
                "secretStoreRef",
                .mapping([
                    ("kind", .string("ClusterSecretStore")),
                    ("name", .string(secretStore(mount: secret.mount))),
                ])
            ),
            ("target", .mapping([("name", .string(secret.kubernetesName)), ("creationPolicy", .string("Owner"))])),
        ]
        if secret.fields.isEmpty {
            spec.append(("dataFrom", .sequence([.mapping([("extract", .mapping([("key", .string(secret.path))]))])])))
        } else {
            spec.append(
                (
                    "data",
                    .sequence(
                        secret.fields.map { field in
                            .mapping([
                                ("secretKey", .string(secret.secretKeys[field] ?? field)),
                                ("remoteRef", .mapping([("key", .string(secret.path)), ("property", .string(field))])),
                            ])
                        })
                ))
        }
        return .mapping([
            ("apiVersion", .string("external-secrets.io/v1")),
            ("kind", .string("ExternalSecret")),
            (
                "metadata",
                .mapping([
                    ("name", .string(secret.kubernetesName)),
                    ("namespace", .string(names.namespace)),
                    ("labels", labels(names.slug)),
                ])
            ),
            ("spec", .mapping(spec)),
        ])
    }

    /// The ClusterSecretStore that reads a KV v2 mount: `vault-<mount>`.
    public static func secretStore(mount: String) -> String {
        let label = DNSLabel.make(mount, maximum: 40)
        return label == mount ? "vault-\(label)" : "vault-\(label)-\(Digest.sha256Hex(mount).prefix(8))"
    }

    private static func file(_ name: String, slug: Slug, documents: [YAMLTree], template: String? = nil)
        throws(DeployError) -> RenderedFile
    {
        var body = ""
        for (index, document) in documents.enumerated() {
            if index > 0 || documents.count > 1 { body += "---\n" }
            do {
                body += try YAMLEmitter.document(document)
            } catch {
                throw .templateValue(
                    file: template ?? name, path: "$",
                    message: "plain value \(YAMLQuoting.doubleQuoted(error.text)) cannot be written back unquoted")
            }
        }
        let header = [
            "Rendered by rg-crm for tenant \(slug) from its config pack and the rentguy-crm chart's values template.",
            "Do not edit: change the pack or the template, then run `rg-crm tenant apply --tenant \(slug)`.",
            "A hand edit is found by the digest below, kept, and stops the apply (delete the file to render it again).",
        ]
        return RenderedFile.sealed(name, header: header, body: body)
    }
}
