import Foundation
import RGCore

/// `secrets`: the login users' passwords (stored by the `database` step before a role gets one) and the
/// connection URLs the backend and Metabase use, in Vault or the local store. Values show as `(sensitive)`.
/// A stored secret is never overwritten: a stored URL that no longer matches the database is a conflict.
public struct SecretsResource: ProvisionedResource {
    public var name: String { "secrets" }

    public init() {}

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        var steps: [ResourceStep] = []
        var facts: [String] = [context.secrets.location]
        let endpoint = try context.connection().endpoint
        let users = LoginUsers(prefix: context.settings.rolePrefix, slug: context.slug)
        for access in TenantRoles.Access.allCases {
            let passwordName = TenantSecrets.password(access)
            let password = try context.secrets.read(passwordName)
            steps.append(
                ResourceStep(
                    passwordName,
                    [
                        password == nil
                            ? Change(.create, "secret", context.secrets.identity(passwordName), after: Self.sensitive)
                            : Change(.unchanged, "secret", context.secrets.identity(passwordName))
                    ]))
            let urlName = TenantSecrets.url(access)
            let url = try context.secrets.read(urlName)
            let identity = context.secrets.identity(urlName)
            let change: Change
            switch (url, password) {
            case (nil, _): change = Change(.create, "secret", identity, after: Self.sensitive)
            case (let url?, let password?)
            where url.value != LoginUsers.url(endpoint, user: users.login(access), password: password.value):
                change = Change(.conflict, "secret", identity, detail: Self.conflictDetail)
            default: change = Change(.unchanged, "secret", identity)
            }
            steps.append(ResourceStep(urlName, [change]))
            facts += ["\(passwordName)=\(password?.version ?? 0)", "\(urlName)=\(url?.version ?? 0)"]
        }
        return Observation(steps: steps, fingerprint: Digest.sha256Hex(facts.joined(separator: "\n")))
    }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        guard let access = TenantRoles.Access.allCases.first(where: { step.id.hasPrefix("postgres_\($0.rawValue)_") })
        else { return [] }
        let identity = context.secrets.identity(step.id)
        if step.id == TenantSecrets.password(access) {
            let created = try context.secrets.create(step.id, value: PasswordGenerator.generate()).created
            return [Change(created ? .create : .unchanged, "secret", identity, after: created ? Self.sensitive : nil)]
        }
        guard let password = try context.secrets.read(TenantSecrets.password(access)) else {
            throw .secrets("\(identity): the login's password is not stored yet; the database step stores it")
        }
        let users = LoginUsers(prefix: context.settings.rolePrefix, slug: context.slug)
        let url = LoginUsers.url(try context.connection().endpoint, user: users.login(access), password: password.value)
        let (stored, created) = try context.secrets.create(step.id, value: url)
        if !created && stored != url {
            throw .secrets("\(identity): \(Self.conflictDetail)")
        }
        return [Change(created ? .create : .unchanged, "secret", identity, after: created ? Self.sensitive : nil)]
    }

    static let sensitive = "(sensitive)"
    static let conflictDetail =
        "the stored URL is not this database's or this password's; rg-crm never overwrites a secret: remove it to have it written again"
}
