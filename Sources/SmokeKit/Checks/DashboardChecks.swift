import Foundation
import RGCore

/// `dashboards`: the tenant's Metabase collection and its three dashboards, and every card's query, through an
/// injected probe. Without one (no METABASE_URL, no dashboard support) both are skipped with the reason: never passed.
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
        try probe(session).collection(tenant: session.context.slug)
    }

    static let cards = SmokeCheck(
        .dashboards, "dashboards.cards", "every card's query runs on the tenant's own database connection"
    ) { session in
        try probe(session).cards(tenant: session.context.slug)
    }
}
