import Foundation
import RGCore

/// Everything that can stop a plan or an apply of a tenant, each a complete one-line sentence. Errors of the kits
/// ProvisionKit drives (migrations, seed, config, files, HTTP) pass through with their own words and category.
public enum ProvisionError: RGError, Sendable {
    /// Another kit's error, unchanged.
    case underlying(any RGError & Sendable)
    /// A saved plan no longer matches the world: what changed.
    case stalePlan(String)
    /// A saved plan file that cannot be used (unreadable, not a plan, another tenant's).
    case badPlanFile(path: String, reason: String)
    /// Another apply of the same tenant holds its lock.
    case locked(tenant: String, holder: String, seconds: Int)
    /// A secret store refused or failed (never with the secret's value).
    case secrets(String)
    /// A login user rg-crm cannot prove it made for this tenant in this database, or cannot use.
    case login(String)
    /// The workflows of the tenant have findings: onboarding stops before anything after them.
    case workflowFindings(errors: Int, first: String)
    /// Templates edited by hand since the last clone; they are kept.
    case templateConflicts(count: Int, first: String)
    /// Deploy artefacts changed by hand since rg-crm rendered them; they are kept.
    case deployConflicts(count: Int, first: String)
    /// Smoke checks that failed or could not decide, by id: the tenant does not work as onboarded.
    case smokeFailed(ids: [String])
    /// The test-only abort switch (RG_CRM_TEST_ABORT_AFTER_STEP with RG_CRM_TEST_HOOKS=1) stopped the run, as a
    /// crash would: an internal error (exit 3), the one a test can cause on purpose.
    case abortedForTest(step: Int)

    public var category: ExitCategory {
        switch self {
        case .underlying(let error): error.category
        case .badPlanFile: .usage
        case .stalePlan, .locked, .secrets, .login, .workflowFindings, .templateConflicts, .deployConflicts,
            .smokeFailed:
            .failed
        case .abortedForTest: .internal
        }
    }

    public var description: String {
        switch self {
        case .underlying(let error): return error.description
        case .stalePlan(let what): return "plan is stale: \(what); run rg-crm tenant plan again (nothing was changed)"
        case .badPlanFile(let path, let reason): return "\(path): \(reason)"
        case .locked(let tenant, let holder, let seconds):
            return
                "tenant \(tenant) is being applied by another run (\(holder)); waited \(seconds) s; nothing was changed: run again when it has finished"
        case .secrets(let message): return message
        case .login(let message): return message
        case .workflowFindings(let errors, let first):
            return
                "workflows: \(errors) error(s), the first: \(TerminalText.joinedLines(first)); run rg-crm lint --tenant for all of them; onboarding stopped here"
        case .templateConflicts(let count, let first):
            return
                "templates: \(count) file(s) edited by hand since the last clone (the first: \(first)) were kept; run rg-crm templates clone --tenant with --force to replace them; onboarding stopped here"
        case .deployConflicts(let count, let first):
            return
                "deploy: \(count) file(s) changed by hand since rg-crm rendered them (the first: \(TerminalText.escaped(first))) were kept; move the edit into the config pack or the chart's values template, then delete the file to have it rendered again; onboarding stopped here"
        case .smokeFailed(let ids):
            return
                "smoke: \(ids.count) check(s) failed: \(ids.joined(separator: ", ")); run rg-crm smoke --tenant for the details; onboarding stopped here"
        case .abortedForTest(let step): return "aborted after step \(step) (RG_CRM_TEST_ABORT_AFTER_STEP, test only)"
        }
    }

    public var lines: [String] {
        if case .underlying(let error) = self { return error.lines }
        return [description]
    }

    /// Any error of another kit as a ProvisionError; an error that is no `RGError` stays internal (exit 3).
    static func wrap(_ error: any Error) -> ProvisionError {
        if let error = error as? ProvisionError { return error }
        if let error = error as? any RGError & Sendable { return .underlying(error) }
        return .underlying(InternalError(description: String(describing: error)))
    }
}

/// An error no kit foresaw, kept with its text: exit 3.
struct InternalError: RGError, Sendable {
    var description: String
    var category: ExitCategory { .internal }
}
