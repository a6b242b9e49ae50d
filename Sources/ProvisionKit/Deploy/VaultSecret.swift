import RGCore

/// A Vault KV v2 secret a tenant's pods read through an ExternalSecret: where it is, which of its fields, and the
/// Kubernetes Secret it becomes. Never its value.
public struct VaultSecret: Sendable, Equatable {
    /// The KV v2 mount (`secret`): the ClusterSecretStore `vault-<mount>` reads it.
    public var mount: String
    /// The secret's path in the mount, without KV v2's `data/`: `rentguy/tenants/mrdj/teams`.
    public var path: String
    /// The fields the config pack names, sorted; empty means every field of the secret (`dataFrom.extract`).
    public var fields: [String]
    /// The Kubernetes Secret (and ExternalSecret) name: `crm-<name>` for a secret under the tenant's own path.
    public var kubernetesName: String
    /// The key a field becomes in the Kubernetes Secret, where it is not the field's own name.
    public var secretKeys: [String: String] = [:]

    /// The secrets the platform itself stores for every tenant under `rentguy/tenants/<slug>/<name>` in the
    /// default mount, each as the field `value` (as the `secrets` and `redis` resources write them): the backend's
    /// and Metabase's connection URLs and the queue worker's Redis password. In the pods' Secret each is the
    /// environment variable of its name in capitals (`POSTGRES_APP_URL`).
    public static let platformSecretNames = ["postgres_app_url", "postgres_reader_url", "redis_password"]

    /// The mount `vault:` references and platform secrets use unless a reference names another.
    public static let defaultMount = "secret"

    /// Every secret of the tenant: the platform's, and each Vault path the config pack's `vault:` references name
    /// (their fields merged per path), sorted by Kubernetes name.
    public static func all(of pack: ConfigPack, platformSecrets: [String] = platformSecretNames) -> [VaultSecret] {
        let slug = pack.tenant.slug
        var fieldsByPlace: [String: (mount: String, path: String, fields: Set<String>, whole: Bool)] = [:]
        var keys: [String: [String: String]] = [:]
        for name in platformSecrets {
            let path = "\(tenantPrefix(slug))\(name)"
            fieldsByPlace["\(defaultMount):\(path)"] = (defaultMount, path, ["value"], false)
            keys["\(defaultMount):\(path)"] = ["value": name.uppercased()]
        }
        for reference in pack.crm.webhooks.values.map(\.secretRef) {
            guard let (mount, path, field) = parse(reference) else { continue }
            let place = "\(mount):\(path)"
            var entry = fieldsByPlace[place] ?? (mount, path, [], false)
            entry.fields.insert(field)
            fieldsByPlace[place] = entry
        }
        let platform = Set(platformSecrets.map { "\(defaultMount):\(tenantPrefix(slug))\($0)" })
        return fieldsByPlace.map { place, entry in
            // A platform secret's name is its own, `_` made `-` (`crm-postgres-app-url`): unique, no digest needed.
            let name =
                platform.contains(place)
                ? "crm-" + entry.path.dropFirst(tenantPrefix(slug).count).replacingOccurrences(of: "_", with: "-")
                : kubernetesName(mount: entry.mount, path: entry.path, slug: slug)
            return VaultSecret(
                mount: entry.mount, path: entry.path, fields: entry.whole ? [] : entry.fields.sorted(),
                kubernetesName: name, secretKeys: keys[place] ?? [:])
        }.sorted { $0.kubernetesName.utf8.lexicographicallyPrecedes($1.kubernetesName.utf8) }
    }

    /// `rentguy/tenants/<slug>/`: where a tenant's own secrets live, as `crm.json`'s references say.
    public static func tenantPrefix(_ slug: Slug) -> String { "rentguy/tenants/\(slug)/" }

    /// `vault:secret/data/rentguy/tenants/mrdj/teams#sales` → (`secret`, `rentguy/tenants/mrdj/teams`, `sales`).
    /// KV v2's API puts `data/` after the mount; the ExternalSecret names the path without it.
    public static func parse(_ reference: String) -> (mount: String, path: String, field: String)? {
        guard VaultReference.isValid(reference) else { return nil }
        let body = reference.dropFirst("vault:".count)
        let parts = body.split(separator: "#", maxSplits: 1)
        var segments = parts[0].split(separator: "/").map(String.init)
        let mount = segments.removeFirst()
        if segments.count > 1 && segments.first == "data" { segments.removeFirst() }
        return (mount, segments.joined(separator: "/"), String(parts[1]))
    }

    /// `crm-teams` for `rentguy/tenants/<slug>/teams` in the default mount. A name that had to change to become a
    /// DNS label (upper case, `_`, `.`), lies outside the tenant's path or in another mount gets a digest of its
    /// place appended, so that two different secrets never share a Kubernetes name.
    static func kubernetesName(mount: String, path: String, slug: Slug) -> String {
        let prefix = tenantPrefix(slug)
        let own = mount == defaultMount && path.hasPrefix(prefix)
        let relative = own ? String(path.dropFirst(prefix.count)) : path
        let label = DNSLabel.make(relative, maximum: 40)
        guard !own || label != relative else { return "crm-\(label)" }
        return "crm-\(label)-\(Digest.sha256Hex("\(mount):\(path)").prefix(8))"
    }
}

/// Kubernetes names: lowercase letters, digits and `-`, starting and ending with a letter or digit.
enum DNSLabel {
    static func make(_ text: String, maximum: Int) -> String {
        var label = ""
        for byte in text.lowercased().utf8 {
            let keep = (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte)
            if keep {
                label.unicodeScalars.append(Unicode.Scalar(byte))
            } else if !label.isEmpty && !label.hasSuffix("-") {
                label += "-"
            }
        }
        while label.hasSuffix("-") { label.removeLast() }
        if label.count > maximum { label = String(label.prefix(maximum)) }
        while label.hasSuffix("-") { label.removeLast() }
        return label.isEmpty ? "secret" : label
    }
}
