import DashboardKit
import Foundation
import RGCore

/// `dashboards`: the tenant's Metabase collection and its three dashboards, and every card's query, through a
/// probe (`MetabaseProbe` when METABASE_URL is set). Without one both are skipped with the reason: never passed.
enum DashboardChecks {
    static let all: [SmokeCheck] = [collection, cards]

    static func probe(_ session: SmokeSession) throws -> any DashboardProbe {
        switch session.context.dashboards {
        case .probe(let probe): return probe
        case .unavailable(let reason): throw SkipCheck(reason)
        }
    }

    static let collection = SmokeCheck(
        .dashboards, "dashboards.collection", "the tenant's collection and its three dashboards exist"
    ) { session in
        let probe = try probe(session)
        return try probe.collection(tenant: session.context.slug, name: try session.pack().tenant.name)
    }

    static let cards = SmokeCheck(
        .dashboards, "dashboards.cards", "every card's query runs on the tenant's own database connection"
    ) { session in
        let probe = try probe(session)
        return try probe.cards(tenant: session.context.slug, name: try session.pack().tenant.name)
    }
}

extension DashboardSource {
    /// A `MetabaseProbe` when `METABASE_URL` is set, reading the credentials as `rg-crm dashboards` does
    /// (`METABASE_API_KEY`, or `METABASE_USER` and `METABASE_PASSWORD`); else skipped: `METABASE_URL not set`.
    /// `databaseName` is the tenant's Metabase database (default `rentguy-crm-<slug>`).
    public static func metabase(
        environment: [String: String], databaseName: String? = nil,
        dashboardsDirectory: String = DashboardFormat.defaultDirectory, timeoutSeconds: Int = 30
    ) -> DashboardSource {
        guard let url = environment["METABASE_URL"], !url.isEmpty else {
            return .unavailable(reason: "METABASE_URL not set")
        }
        do {
            return metabase(
                url: url, credentials: try MetabaseCredentials(environment: environment), databaseName: databaseName,
                dashboardsDirectory: dashboardsDirectory, timeoutSeconds: timeoutSeconds)
        } catch {
            // Missing credentials fail both checks (saying which variables to set), as a client that cannot be made.
            return .probe(
                MetabaseProbe(
                    client: .failure(error), databaseName: databaseName, dashboardsDirectory: dashboardsDirectory))
        }
    }

    /// The same probe from settings already read (the onboarding's).
    public static func metabase(
        url: String, credentials: MetabaseCredentials, databaseName: String? = nil,
        dashboardsDirectory: String = DashboardFormat.defaultDirectory, timeoutSeconds: Int = 30
    ) -> DashboardSource {
        let client = Result { () throws(DashboardError) in
            try MetabaseClient(baseURL: url, credentials: credentials, timeoutSeconds: timeoutSeconds)
        }
        return .probe(
            MetabaseProbe(client: client, databaseName: databaseName, dashboardsDirectory: dashboardsDirectory))
    }
}

/// The dashboards checks against a real Metabase, read with DashboardKit's `DashboardInspector`: GETs, and one
/// `POST /api/card/:id/query` per card (a query run changes nothing). One client for both checks, so a user and
/// password sign in once.
public struct MetabaseProbe: DashboardProbe {
    let client: Result<MetabaseClient, DashboardError>
    let databaseName: String?
    let dashboardsDirectory: String

    public init(
        client: Result<MetabaseClient, DashboardError>, databaseName: String? = nil,
        dashboardsDirectory: String = DashboardFormat.defaultDirectory
    ) {
        self.client = client
        self.databaseName = databaseName
        self.dashboardsDirectory = dashboardsDirectory
    }

    static func importCommand(_ tenant: Slug) -> String { "rg-crm dashboards import --tenant \(tenant.rawValue)" }

    /// Both checks fail when Metabase's settings are unusable (METABASE_URL set, no credentials or a bad URL).
    static func misconfigured(_ error: DashboardError) -> CheckOutcome {
        .fail(
            "\(error.description) (METABASE_URL is set)",
            fix:
                "set METABASE_API_KEY, or METABASE_USER and METABASE_PASSWORD, as for rg-crm dashboards import (or unset METABASE_URL to skip the dashboards)"
        )
    }

    /// The collection `CRM / <name>` and which of the repository's dashboards it holds.
    private func inventory(_ inspector: DashboardInspector, name: String) throws -> DashboardInventory {
        let wanted = try DashboardFormat.load(directory: dashboardsDirectory).map(\.name)
        return try inspector.inventory(tenantName: name, dashboards: wanted)
    }

    public func collection(tenant: Slug, name: String) throws -> CheckOutcome {
        let inspector: DashboardInspector
        switch client {
        case .success(let client): inspector = DashboardInspector(client: client)
        case .failure(let error): return Self.misconfigured(error)
        }
        let inventory = try inventory(inspector, name: name)
        guard inventory.collectionID != nil else {
            return .fail(
                "Metabase has no collection '\(inventory.collectionLabel)'", fix: Self.importCommand(tenant))
        }
        guard inventory.missing.isEmpty else {
            let names = inventory.missing.map { "'\($0)'" }.joined(separator: ", ")
            return .fail(
                "collection '\(inventory.collectionLabel)' lacks the dashboard(s) \(names)",
                fix: Self.importCommand(tenant))
        }
        return .pass("'\(inventory.collectionLabel)': \(inventory.dashboards.count) dashboards")
    }

    public func cards(tenant: Slug, name: String) throws -> CheckOutcome {
        let inspector: DashboardInspector
        switch client {
        case .success(let client): inspector = DashboardInspector(client: client)
        case .failure(let error): return Self.misconfigured(error)
        }
        let inventory = try inventory(inspector, name: name)
        guard inventory.collectionID != nil, !inventory.dashboards.isEmpty else {
            throw SkipCheck("the tenant's dashboards are missing (dashboards.collection)")
        }
        let expected = databaseName ?? ImportRequest.defaultDatabaseName(tenant)
        let cards = try inspector.cards(of: inventory)
        var elsewhere: [String] = []
        var failed: [String] = []
        for card in cards {
            if card.databaseName != expected {
                let actual =
                    card.databaseName.map { "'\($0)'" } ?? "database \(card.databaseID.map(String.init) ?? "none")"
                elsewhere.append("card \(card.label) runs on \(actual), not the tenant's '\(expected)'")
            }
            if case .failed(let error) = try inspector.runQuery(card) {
                failed.append("card \(card.label): query failed: \(error)")
            }
        }
        guard elsewhere.isEmpty && failed.isEmpty else {
            var fixes: [String] = []
            if !failed.isEmpty {
                fixes.append(
                    "fix the card's SQL in \(dashboardsDirectory) (or the crm view it reads), then \(Self.importCommand(tenant))"
                )
            }
            if !elsewhere.isEmpty {
                fixes.append(
                    "\(Self.importCommand(tenant)) puts every card back on '\(expected)' (register it with --register-database --reader-url if Metabase lacks it); never --shared-database"
                )
            }
            return .fail((elsewhere + failed).joined(separator: "; "), fix: fixes.joined(separator: "; "))
        }
        return .pass("\(cards.count) cards ran on '\(expected)'")
    }
}
