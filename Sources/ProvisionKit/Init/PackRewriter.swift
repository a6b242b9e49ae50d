import Foundation
import RGCore

/// Turns the source tenant's pack documents into the new tenant's, keeping every key where it was.
struct PackRewriter {
    let request: TenantInitRequest
    let source: TenantConfig
    /// Pipelines left out, for the command to say.
    private(set) var notes: [String] = []

    init(request: TenantInitRequest, source: TenantConfig) {
        self.request = request
        self.source = source
    }

    /// tenant.json: slug, name, domain, verticals and logo replaced; the primary colour when asked; the rest of the
    /// brand (and any text holding the source's domain) carried over.
    mutating func tenant(_ document: JSONValue) -> JSONValue {
        guard case .object(let members) = document else { return document }
        return .object(
            members.map { key, value in
                switch key {
                case "slug": (key, .string(request.slug.rawValue))
                case "name": (key, .string(request.name))
                case "domain": (key, .string(request.domain))
                case "verticals": (key, .array(request.verticals.map(JSONValue.string)))
                case "branding": (key, branding(value))
                default: (key, rewritten(value, key: key))
                }
            })
    }

    private func branding(_ value: JSONValue) -> JSONValue {
        guard case .object(let members) = value else { return rewritten(value, key: nil) }
        return .object(
            members.map { key, value in
                switch key {
                case "primary_color" where request.primaryColor != nil: (key, .string(request.primaryColor!))
                case "logo_url": (key, .string(request.logoURL ?? request.defaultLogoURL))
                default: (key, rewritten(value, key: key))
                }
            })
    }

    /// crm.json: every text rewritten (vault references, the domain); pipelines of a vertical the new tenant does
    /// not serve left out.
    mutating func crm(_ document: JSONValue) -> JSONValue {
        guard case .object(let members) = document else { return document }
        var result: [(String, JSONValue)] = []
        for (key, value) in members {
            guard key == "pipelines", case .array(let pipelines) = value else {
                result.append((key, rewritten(value, key: key)))
                continue
            }
            var kept: [JSONValue] = []
            for pipeline in pipelines {
                if case .object(let fields) = pipeline,
                    let vertical = fields.last(where: { $0.0 == "vertical" })?.1, case .string(let name) = vertical,
                    !request.verticals.contains(name)
                {
                    let key = fields.last(where: { $0.0 == "key" })?.1
                    let label = (key.flatMap { if case .string(let text) = $0 { text } else { nil } }) ?? "?"
                    notes.append(
                        "pipeline '\(label)' of \(source.slug)'s pack left out: vertical '\(name)' is not one of the new tenant's"
                    )
                    continue
                }
                kept.append(rewritten(pipeline, key: nil))
            }
            result.append((key, .array(kept)))
        }
        return .object(result)
    }

    /// Every string below `value`, rewritten by `text(_:)`; `$schema` (a path to the schema) kept.
    private func rewritten(_ value: JSONValue, key: String?) -> JSONValue {
        switch value {
        case .string(let text) where key != "$schema": .string(self.text(text))
        case .array(let items): .array(items.map { rewritten($0, key: nil) })
        case .object(let members): .object(members.map { ($0.0, rewritten($0.1, key: $0.0)) })
        default: value
        }
    }

    /// A `vault:` reference's path segments that are the source's slug become the new slug
    /// (`vault:secret/data/rentguy/tenants/mrdj/teams#sales` → `…/tenants/acme/teams#sales`); the source's domain
    /// becomes the new domain anywhere in a text.
    func text(_ text: String) -> String {
        var result = text
        if VaultReference.isValid(text) {
            let body = text.dropFirst("vault:".count)
            let parts = body.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let path = parts[0].split(separator: "/", omittingEmptySubsequences: false).map {
                $0 == source.slug.rawValue ? request.slug.rawValue : String($0)
            }
            result = "vault:" + path.joined(separator: "/") + "#" + parts[1]
        }
        return result.replacingOccurrences(of: source.domain, with: request.domain)
    }
}
