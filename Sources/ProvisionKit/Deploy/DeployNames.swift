import Foundation
import RGCore

/// The Kubernetes and DNS names of one tenant's deployment, all derived from its slug and domain.
public struct DeployNames: Sendable, Equatable {
    public var slug: Slug
    /// `rg-<slug>-crm`, underscores as hyphens: a namespace is a DNS label (no `_`), and since a slug has no
    /// hyphen, no two slugs share a namespace.
    public var namespace: String
    /// The tenant's domain: the CRM's host.
    public var host: String
    /// `metabase.<domain>`: the tenant's dashboards.
    public var metabaseHost: String
    /// Where cert-manager keeps the certificate of both hosts.
    public var tlsSecret: String
    /// The tenant's automation queue in Redis.
    public var redisQueue: String

    public init(slug: Slug, domain: String) throws(DeployError) {
        // The pack's loader checks the domain; a pack built in code gets the same check here, since the host goes
        // into DNS records and an ingress.
        guard DomainName.isValid(domain) else {
            throw .invalidTenant(
                "tenant '\(slug)': domain \(JSONValue.quote(domain)) is not a domain name like mr-dj.rentguy.nl")
        }
        guard domain.utf8.count + "metabase.".utf8.count <= 253 else {
            throw .invalidTenant(
                "tenant '\(slug)': domain \(domain) is too long for metabase.\(domain) (at most 253 characters)")
        }
        let label = slug.rawValue.replacingOccurrences(of: "_", with: "-")
        self.slug = slug
        namespace = Self.namespace(for: slug)
        host = domain
        metabaseHost = "metabase.\(domain)"
        tlsSecret = "rg-\(label)-crm-tls"
        redisQueue = "crm_automation_queue:\(slug)"
    }

    /// `rg-<slug>-crm`, with the slug's underscores as hyphens.
    public static func namespace(for slug: Slug) -> String {
        "rg-\(slug.rawValue.replacingOccurrences(of: "_", with: "-"))-crm"
    }

    /// The hosts ExternalDNS creates records for: the `external-dns.alpha.kubernetes.io/hostname` annotation.
    public var dnsHostnames: [String] { [host, metabaseHost] }
}
