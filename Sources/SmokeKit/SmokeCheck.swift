import Foundation
import Postgres
import RGCore

/// The groups of `rg-crm smoke`, in the order they are reported. Later groups (secrets, Redis, deploy artefacts)
/// plug in the same way: a case here and a file under Checks/.
public enum SmokeGroup: String, Sendable, CaseIterable, Hashable {
    case config, db, isolation, templates, workflows, dashboards, redis
}

/// What one check found: pass, fail (with what to run), skip (with why). A check that cannot decide throws; the
/// runner reports the error.
public struct CheckOutcome: Sendable, Equatable {
    public var status: CheckStatus
    public var message: String?
    public var remediation: String?
    public var location: CheckResult.Location?

    public static func pass(_ message: String? = nil) -> CheckOutcome {
        CheckOutcome(status: .pass, message: message)
    }

    public static func fail(_ message: String, fix: String, at location: CheckResult.Location? = nil) -> CheckOutcome {
        CheckOutcome(status: .fail, message: message, remediation: fix, location: location)
    }

    public static func skip(_ reason: String) -> CheckOutcome { CheckOutcome(status: .skip, message: reason) }
}

/// Thrown by a check whose precondition another check reports (no server, no tenant row, no role): every id of the
/// unit is skipped with this reason, so one broken thing fails one check.
public struct SkipCheck: RGError, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    /// Never an exit status of its own: the runner turns it into skipped results.
    public var category: ExitCategory { .failed }
    public var description: String { reason }
}

/// A unit of work of the runner: usually one check; the isolation checks are one unit, because they share one
/// transaction that is rolled back. `body` returns one outcome per item, in order.
public struct SmokeCheck: Sendable {
    public struct Item: Sendable, Hashable {
        public var id: String
        public var title: String
    }

    public let group: SmokeGroup
    public let items: [Item]
    let body: @Sendable (SmokeSession) throws -> [CheckOutcome]

    /// One check.
    public init(
        _ group: SmokeGroup, _ id: String, _ title: String,
        body: @escaping @Sendable (SmokeSession) throws -> CheckOutcome
    ) {
        self.group = group
        self.items = [Item(id: id, title: title)]
        self.body = { [try body($0)] }
    }

    /// Several checks run together, in order, by one body.
    public init(
        _ group: SmokeGroup, items: [(id: String, title: String)],
        body: @escaping @Sendable (SmokeSession) throws -> [CheckOutcome]
    ) {
        self.group = group
        self.items = items.map { Item(id: $0.id, title: $0.title) }
        self.body = body
    }

    public var ids: [String] { items.map(\.id) }
}

/// Why smoke could not run at all (exit 2): a bad duration, an unknown group, a tenant without a config pack, a
/// malformed database URL, an unreadable checklist.
public struct SmokeError: RGError, Sendable {
    public var description: String
    public var category: ExitCategory

    public init(_ description: String, category: ExitCategory = .usage) {
        self.description = description
        self.category = category
    }
}
