import Foundation
import RGCore

/// Writes a dashboard of a tenant's collection back in the repository format (docs/dashboards.md): instance ids
/// stripped, tabs and the database by name, keys sorted, so an edit made in Metabase's UI can be reviewed and
/// committed, and importing the file again changes nothing.
public struct DashboardExporter {
    let api: MetabaseAPI
    let client: MetabaseClient

    public init(client: MetabaseClient) {
        self.client = client
        api = MetabaseAPI(client: client)
    }

    /// The dashboard `nameOrID` (a name in the tenant's collection `CRM / <tenantName>`, or a numeric id) as the
    /// text of a repository file. `tenantDatabase` is the database written as `DashboardFormat.tenantDatabase`.
    public func export(tenantName: String, dashboard nameOrID: String, tenantDatabase: String) throws(DashboardError)
        -> String
    {
        let id: Int
        if let number = Int(nameOrID) {
            id = number
        } else {
            let label = "\(DashboardImporter.rootCollectionName) / \(tenantName)"
            guard
                let crm = try api.items(in: nil, models: ["collection"], step: "listing the root collection").first(
                    where: { $0.name == DashboardImporter.rootCollectionName }),
                let collection = try api.items(
                    in: crm.id, models: ["collection"], step: "listing collection '\(crm.name)'"
                ).first(where: { $0.name == tenantName })
            else { throw .failed("Metabase has no collection '\(label)'; import the dashboards first") }
            guard
                let found = try api.items(in: collection.id, models: ["dashboard"], step: "listing '\(label)'")
                    .filter({ $0.name == nameOrID }).map(\.id).min()
            else { throw .failed("collection '\(label)' has no dashboard named '\(nameOrID)'") }
            id = found
        }
        let step = "dashboard '\(nameOrID)'"
        guard let dashboard = try client.getIfPresent("/api/dashboard/\(id)", step: step) else {
            throw .failed("\(step): not found in Metabase")
        }
        let databases = try api.databases(step: "listing Metabase's databases")
        func databaseName(_ id: Int?) -> String {
            guard let name = databases.first(where: { $0.id == id })?.name else {
                return DashboardFormat.tenantDatabase
            }
            return name == tenantDatabase ? DashboardFormat.tenantDatabase : name
        }
        return Self.repositoryFile(dashboard, databaseName: databaseName)
    }

    /// The repository form of a `GET /api/dashboard/:id` answer.
    static func repositoryFile(_ dashboard: JSONValue, databaseName: (Int?) -> String) -> String {
        let tabs = Payloads.tabsInOrder(dashboard)
        // Tabs get local ids -1, -2, … in their order, as new tabs of a PUT have.
        let localTab = Dictionary(
            tabs.enumerated().map { ($0.element.id, -($0.offset + 1)) }, uniquingKeysWith: { first, _ in first })
        let dashcards = Payloads.dashcardsOf(dashboard).map { dashcard -> (JSONValue, (Int, Int, Int)) in
            var members: [(String, JSONValue)] = [
                ("row", dashcard["row"] ?? .int(0)), ("col", dashcard["col"] ?? .int(0)),
                ("size_x", dashcard["size_x"] ?? .int(1)), ("size_y", dashcard["size_y"] ?? .int(1)),
                (
                    "dashboard_tab_id",
                    dashcard["dashboard_tab_id"]?.intValue.flatMap { localTab[$0] }.map(JSONValue.int) ?? .null
                ),
                ("visualization_settings", dashcard["visualization_settings"] ?? .object([])),
                (
                    "parameter_mappings",
                    .array((dashcard["parameter_mappings"]?.elements ?? []).map { $0.removing(["card_id"]) })
                ),
            ]
            if let card = dashcard["card"], card.members != nil, dashcard["card_id"]?.isNull == false {
                let query = Payloads.legacyQuery(card["dataset_query"] ?? .object([]))
                let native = query["native"] ?? .object([])
                members.append(
                    (
                        "card",
                        .object([
                            ("name", card["name"] ?? .null),
                            ("description", card["description"] ?? .null),
                            ("display", card["display"] ?? .null),
                            ("visualization_settings", card["visualization_settings"] ?? .object([])),
                            (
                                "dataset_query",
                                .object([
                                    ("type", .string("native")),
                                    ("database", .string(databaseName(query["database"]?.intValue))),
                                    (
                                        "native",
                                        .object([
                                            ("query", native["query"] ?? .string("")),
                                            ("template-tags", native["template-tags"] ?? .object([])),
                                        ])
                                    ),
                                ])
                            ),
                        ])
                    ))
            }
            let order = (
                dashcard["dashboard_tab_id"]?.intValue.flatMap { localTab[$0] }.map { -$0 } ?? 0,
                dashcard["row"]?.intValue ?? 0, dashcard["col"]?.intValue ?? 0
            )
            return (.object(members), order)
        }
        let file = JSONValue.object([
            ("name", dashboard["name"] ?? .null),
            ("description", dashboard["description"] ?? .null),
            ("parameters", dashboard["parameters"] ?? .array([])),
            (
                "tabs",
                .array(
                    tabs.enumerated().map {
                        .object([("id", .int(-($0.offset + 1))), ("name", .string($0.element.name))])
                    })
            ),
            ("dashcards", .array(dashcards.sorted { $0.1 < $1.1 }.map(\.0))),
        ])
        return file.canonical.serialized(indent: 2) + "\n"
    }
}
