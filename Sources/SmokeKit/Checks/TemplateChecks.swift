import Foundation
import RGCore
import TemplateCloner

/// `templates`: the tenant's cloned library is there and current, `templates check` is clean, and no brand or tenant
/// token is left. The clone's `templates/` part is theirs; its `workflows/` part is the workflows group's.
enum TemplateChecks {
    static let all: [SmokeCheck] = [current, check, tokens]
    static let tokenRule = "unresolved-token"

    /// The fix for anything out of date: the clone command, with --to when the folder is not the default one.
    static func cloneCommand(_ context: SmokeContext) -> String {
        let defaultTarget = (context.packDirectory as NSString).appendingPathComponent("automation")
        let to = context.automationDirectory == defaultTarget ? "" : " --to \(context.automationDirectory)"
        return "rg-crm templates clone \(context.tenantFlag)\(to)"
    }

    /// Files of the clone's plan under `prefix` that are not unchanged.
    static func changed(_ session: SmokeSession, under prefix: String) throws -> [Change] {
        let target = session.context.automationDirectory + "/" + prefix
        return try session.cloneReport().plan.changes.filter {
            $0.action != .unchanged && $0.identity.hasPrefix(target)
        }
    }

    static func describe(_ changes: [Change], root: String) -> String {
        let shown = changes.prefix(5).map { change in
            let path =
                change.identity.hasPrefix(root + "/")
                ? String(change.identity.dropFirst(root.count + 1)) : change.identity
            let verb = change.action == .conflict ? "edited by hand" : "would be \(change.action.pastTense)"
            return "\(path) \(verb)"
        }
        return shown.joined(separator: ", ") + (changes.count > 5 ? ", and \(changes.count - 5) more" : "")
    }

    static let current = SmokeCheck(
        .templates, "templates.current",
        "the cloned templates are present and current (clone --dry-run changes nothing)"
    ) { session in
        let context = session.context
        guard FileManager.default.fileExists(atPath: context.templatesDirectory) else {
            return .fail("no cloned templates at \(context.templatesDirectory)", fix: "run \(cloneCommand(context))")
        }
        let changes = try changed(session, under: "templates/")
        guard changes.isEmpty else {
            let conflicts = changes.contains { $0.action == .conflict }
            return .fail(
                "\(changes.count) template(s) differ from the library: \(describe(changes, root: context.automationDirectory))",
                fix: "run \(cloneCommand(context))" + (conflicts ? " (--force overwrites hand edits)" : ""))
        }
        return .pass()
    }

    /// `templates check`'s findings for the tenant's clone, or skipped when there is no clone to check.
    static func findings(_ session: SmokeSession) throws -> [Diagnostic] {
        let context = session.context
        guard FileManager.default.fileExists(atPath: context.templatesDirectory) else {
            throw SkipCheck("no cloned templates (templates.current)")
        }
        return try TemplateChecker.check(
            directory: context.automationDirectory, palette: try session.pack().tenant.branding.allowedColors)
    }

    static func location(_ diagnostic: Diagnostic) -> CheckResult.Location { CheckResult.Location(diagnostic) }

    static let check = SmokeCheck(.templates, "templates.check", "templates check is clean") { session in
        let errors = try findings(session).filter { $0.severity == .error && $0.rule != tokenRule }
        guard let first = errors.first else { return .pass() }
        return .fail(
            "\(errors.count) finding(s); first: [\(first.rule)] \(first.message)",
            fix:
                "run rg-crm templates check \(session.context.tenantFlag) --path \(session.context.automationDirectory), correct the templates, then clone again",
            at: location(first))
    }

    static let tokens = SmokeCheck(
        .templates, "templates.tokens", "no {{brand.*}} or {{tenant.*}} token is left"
    ) { session in
        let left = try findings(session).filter { $0.rule == tokenRule && !$0.isLimitNote }
        guard let first = left.first else { return .pass() }
        return .fail(
            "\(left.count) unresolved token(s); first: \(first.message)",
            fix:
                "fill the value in \(session.context.packDirectory)/tenant.json, then run \(cloneCommand(session.context))",
            at: location(first))
    }
}
