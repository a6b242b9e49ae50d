import Foundation
import RGCore

/// What a tenant's collection holds in Metabase: found by walking `CRM` → `<tenant name>` from the root, as the
/// importer does (names are not unique).
public struct DashboardInventory: Sendable, Equatable {
    /// `CRM / Mr. DJ`.
    public var collectionLabel: String
    /// nil: Metabase has no such collection.
    public var collectionID: Int?
    /// The wanted dashboards found in the collection, by name (the lowest id when a name is there twice).
    public var dashboards: [String: Int]
    /// The wanted dashboards the collection lacks, in the order asked.
    public var missing: [String]
}

/// One card placed on a tenant's dashboards, and the Metabase database its query runs on.
public struct InspectedCard: Sendable, Equatable {
    public var id: Int
    public var name: String
    /// The (first) dashboard it is placed on.
    public var dashboard: String
    public var databaseID: Int?
    /// The database's name in Metabase; nil when Metabase lists no database with that id.
    public var databaseName: String?

    /// `'Won revenue' (Revenue per Package, card 123)`.
    public var label: String { "'\(name)' (\(dashboard), card \(id))" }
}

/// How a card's query ended: `POST /api/card/:id/query` answers 202 both ways, with `"status": "completed"` and
/// `data.rows`, or `"status": "failed"` and `error`.
public enum CardQueryOutcome: Sendable, Equatable {
    case completed(rows: Int)
    case failed(String)
}

/// Reads a tenant's dashboards in Metabase without changing them (for `rg-crm smoke`): the collection, the
/// dashboards in it, their cards and databases, and each card's query run. The only POST it sends is a query run
/// (and, with a user and password, the one login of the client).
public struct DashboardInspector: Sendable {
    let api: MetabaseAPI
    let client: MetabaseClient

    public init(client: MetabaseClient) {
        self.client = client
        api = MetabaseAPI(client: client)
    }

    /// The collection `CRM / <tenantName>` and which of `dashboards` (names) it holds.
    public func inventory(tenantName: String, dashboards wanted: [String]) throws(DashboardError)
        -> DashboardInventory
    {
        let root = DashboardImporter.rootCollectionName
        var inventory = DashboardInventory(
            collectionLabel: "\(root) / \(tenantName)", collectionID: nil, dashboards: [:], missing: wanted)
        guard
            let crm = try api.items(in: nil, models: ["collection"], step: "listing the root collection").first(
                where: { $0.model == "collection" && $0.name == root }),
            let collection = try api.items(in: crm.id, models: ["collection"], step: "listing collection '\(root)'")
                .first(where: { $0.model == "collection" && $0.name == tenantName })
        else { return inventory }
        inventory.collectionID = collection.id
        let items = try api.items(
            in: collection.id, models: ["dashboard"], step: "listing '\(inventory.collectionLabel)'")
        for name in wanted {
            if let id = items.filter({ $0.model == "dashboard" && $0.name == name }).map(\.id).min() {
                inventory.dashboards[name] = id
            }
        }
        inventory.missing = wanted.filter { inventory.dashboards[$0] == nil }
        return inventory
    }

    /// Every card placed on the found dashboards (each once, in dashboard then layout order), with its database.
    public func cards(of inventory: DashboardInventory) throws(DashboardError) -> [InspectedCard] {
        let databases = try api.databases(step: "listing Metabase's databases")
        var cards: [InspectedCard] = []
        var seen: Set<Int> = []
        for (name, id) in inventory.dashboards.sorted(by: { $0.key < $1.key }) {
            let step = "dashboard '\(name)'"
            guard let dashboard = try client.getIfPresent("/api/dashboard/\(id)", step: step) else { continue }
            for dashcard in Payloads.dashcardsOf(dashboard) {
                guard let cardID = dashcard["card_id"]?.intValue, seen.insert(cardID).inserted else { continue }
                let card = dashcard["card"] ?? .null
                let databaseID = card["dataset_query"]?["database"]?.intValue ?? card["database_id"]?.intValue
                cards.append(
                    InspectedCard(
                        id: cardID, name: card["name"]?.stringValue ?? "card \(cardID)", dashboard: name,
                        databaseID: databaseID, databaseName: databases.first { $0.id == databaseID }?.name))
            }
        }
        return cards
    }

    /// Runs the card's query (`POST /api/card/:id/query`, read-only: a saved question's query). A query that
    /// failed is an outcome; a refused request (401, 404, 5xx) is thrown.
    public func runQuery(_ card: InspectedCard) throws(DashboardError) -> CardQueryOutcome {
        let answer = try client.send("POST", "/api/card/\(card.id)/query", step: "running card \(card.label)")
        if answer["status"]?.stringValue == "completed" {
            return .completed(rows: answer["data"]?["rows"]?.elements?.count ?? 0)
        }
        let error =
            answer["error"]?.stringValue ?? answer["error"]?.serialized()
            ?? "status '\(answer["status"]?.stringValue ?? "none")'"
        return .failed(client.redacted(TerminalText.oneLine(error)))
    }
}
