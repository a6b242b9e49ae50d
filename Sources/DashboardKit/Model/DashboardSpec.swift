import Foundation
import RGCore

/// A question as the repository keeps it: native SQL on the tenant's database, by name.
public struct CardSpec: Sendable, Equatable {
    public var name: String
    public var description: String?
    public var display: String
    public var visualizationSettings: JSONValue
    /// `DashboardFormat.tenantDatabase` (the tenant's own connection) or another Metabase database's name.
    public var databaseName: String
    public var sql: String
    /// The `template-tags` object, as written.
    public var templateTags: JSONValue
    /// The dashboard it was read from: errors name the card with it.
    public var dashboardName: String

    /// How errors and plans name it: `'Won revenue' (Revenue per Package)`.
    public var label: String { "'\(name)' (\(dashboardName))" }
}

/// A card placed on a dashboard.
public struct DashcardSpec: Sendable, Equatable {
    /// The card's name, or nil for a text box (a virtual card).
    public var cardName: String?
    public var row: Int
    public var col: Int
    public var sizeX: Int
    public var sizeY: Int
    /// The tab's name, or nil on a dashboard without tabs.
    public var tab: String?
    public var visualizationSettings: JSONValue
    /// `parameter_mappings` without `card_id` (the importer adds the card's id in this Metabase).
    public var parameterMappings: [JSONValue]
}

public struct DashboardSpec: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// The dashboard's filters (`parameters`), as written.
    public var parameters: JSONValue
    public var tabs: [String]
    public var dashcards: [DashcardSpec]
    public var cards: [CardSpec]
    public var path: String
}

/// The repository format of a dashboard (see docs/dashboards.md): what `GET /api/dashboard/:id` returns with
/// instance-specific ids stripped and the database named.
public enum DashboardFormat {
    /// The database a card names to mean "the tenant's own connection".
    public static let tenantDatabase = "rentguy-crm-{tenant}"
    public static let defaultDirectory = "ops/metabase/dashboards/crm"
    static let maximumFileBytes = 4 << 20

    /// Every `*.json` file of `directory`, by file name; card names must be unique across them (they are found by
    /// name in the tenant's collection).
    public static func load(directory: String) throws(DashboardError) -> [DashboardSpec] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
                .sorted()
        } catch {
            throw .usage("\(directory): cannot list the dashboards folder (does it exist?)")
        }
        guard !names.isEmpty else { throw .usage("\(directory): no dashboard files (*.json)") }
        var dashboards: [DashboardSpec] = []
        var cardOwners: [String: String] = [:]
        var dashboardOwners: [String: String] = [:]
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            let spec = try load(file: path)
            if let earlier = dashboardOwners.updateValue(path, forKey: spec.name) {
                throw .usage("\(path): dashboard '\(spec.name)' is also defined in \(earlier)")
            }
            for card in spec.cards {
                if let earlier = cardOwners.updateValue(path, forKey: card.name) {
                    throw .usage(
                        "\(path): card '\(card.name)' is also defined in \(earlier); card names must be unique (cards are found by name)"
                    )
                }
            }
            dashboards.append(spec)
        }
        return dashboards
    }

    public static func load(file path: String) throws(DashboardError) -> DashboardSpec {
        let bytes: [UInt8]
        do { bytes = try BoundedFile.read(path, limit: maximumFileBytes) } catch { throw .usage(error.description) }
        let root: JSONNode
        do { root = try JSONParser.parse(bytes) } catch { throw .file(path, error.position, error.message) }
        return try parse(root, path: path)
    }

    static func parse(_ root: JSONNode, path: String) throws(DashboardError) -> DashboardSpec {
        let reader = Reader(path: path)
        let name = try reader.string(root, "name", in: "dashboard")
        let description = try reader.optionalString(root, "description")
        var parameters = JSONValue.array([])
        if let node = root["parameters"] {
            guard node.elements != nil else { throw .file(path, node.position, "'parameters' must be an array") }
            parameters = node.plain
        }
        // Tabs: local ids (negative, as for new tabs in a PUT) that dashcards refer to.
        var tabNames: [String] = []
        var tabByID: [Int: String] = [:]
        for tab in root["tabs"]?.elements ?? [] {
            let tabName = try reader.string(tab, "name", in: "tab")
            guard let id = tab["id"]?.number.map(Int.init) else {
                throw .file(path, tab.position, "tab '\(tabName)' needs an 'id' that its dashcards name")
            }
            guard !tabNames.contains(tabName) else { throw .file(path, tab.position, "tab '\(tabName)' twice") }
            tabNames.append(tabName)
            tabByID[id] = tabName
        }
        // `ordered_cards` is what Metabase before 0.48 called `dashcards`.
        let dashcardNodes: JSONNode
        switch (root["dashcards"], root["ordered_cards"]) {
        case (let dashcards?, nil): dashcardNodes = dashcards
        case (nil, let ordered?): dashcardNodes = ordered
        case (_?, _?): throw .file(path, root.position, "both 'dashcards' and 'ordered_cards'; keep 'dashcards'")
        case (nil, nil): throw .file(path, root.position, "dashboard '\(name)' has no 'dashcards'")
        }
        guard let elements = dashcardNodes.elements else {
            throw .file(path, dashcardNodes.position, "'dashcards' must be an array")
        }
        var dashcards: [DashcardSpec] = []
        var cards: [CardSpec] = []
        for node in elements {
            guard node.members != nil else { throw .file(path, node.position, "a dashcard must be an object") }
            var cardName: String?
            if let cardNode = node["card"], cardNode.members != nil {
                let card = try reader.card(cardNode, dashboard: name)
                if !cards.contains(where: { $0.name == card.name }) { cards.append(card) }
                cardName = card.name
            }
            func size(_ key: String, _ old: String) throws(DashboardError) -> Int {
                guard let value = (node[key] ?? node[old])?.number, value == value.rounded() else {
                    throw .file(path, node.position, "a dashcard needs a whole number '\(key)'")
                }
                return Int(value)
            }
            var tab: String?
            if let tabNode = node["dashboard_tab_id"], tabNode.typeName != "null" {
                guard let id = tabNode.number.map(Int.init), let found = tabByID[id] else {
                    throw .file(path, tabNode.position, "'dashboard_tab_id' names no tab of this dashboard")
                }
                tab = found
            } else if !tabNames.isEmpty {
                throw .file(path, node.position, "the dashboard has tabs, so every dashcard needs a 'dashboard_tab_id'")
            }
            let mappings = (node["parameter_mappings"]?.elements ?? []).map { $0.plain.removing(["card_id"]) }
            dashcards.append(
                DashcardSpec(
                    cardName: cardName, row: try size("row", "row"), col: try size("col", "col"),
                    sizeX: try size("size_x", "sizeX"), sizeY: try size("size_y", "sizeY"), tab: tab,
                    visualizationSettings: node["visualization_settings"]?.plain ?? .object([]),
                    parameterMappings: mappings))
        }
        return DashboardSpec(
            name: name, description: description, parameters: parameters, tabs: tabNames, dashcards: dashcards,
            cards: cards, path: path)
    }

    private struct Reader {
        var path: String

        func string(_ node: JSONNode, _ key: String, in what: String) throws(DashboardError) -> String {
            guard let value = node[key] else { throw .file(path, node.position, "\(what) has no '\(key)'") }
            guard let text = value.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .file(path, value.position, "'\(key)' must be a non-blank string")
            }
            return text
        }

        func optionalString(_ node: JSONNode, _ key: String) throws(DashboardError) -> String? {
            guard let value = node[key], value.typeName != "null" else { return nil }
            guard let text = value.string else { throw .file(path, value.position, "'\(key)' must be a string") }
            return text
        }

        func card(_ node: JSONNode, dashboard: String) throws(DashboardError) -> CardSpec {
            let name = try string(node, "name", in: "card")
            let display = try string(node, "display", in: "card '\(name)'")
            guard let query = node["dataset_query"], query.members != nil else {
                throw .file(path, node.position, "card '\(name)' needs a 'dataset_query' object")
            }
            // The legacy shape ({type: native, native: {query, template-tags}}) or MBQL 5 (stages[0] native).
            var sql: String?
            var tags: JSONNode?
            if let native = query["native"], native.members != nil {
                sql = native["query"]?.string
                tags = native["template-tags"]
            } else if let stage = query["stages"]?.elements?.first {
                sql = stage["native"]?.string
                tags = stage["template-tags"]
            }
            guard let sql, !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw .file(path, query.position, "card '\(name)' must be a native SQL question (native.query)")
            }
            if let tags, tags.members == nil {
                throw .file(path, tags.position, "card '\(name)': 'template-tags' must be an object")
            }
            // Every variable the SQL names must be declared, or Metabase refuses the card.
            let declared = Set(tags?.members?.map(\.key) ?? [])
            for variable in NativeQuery.variables(in: sql) where !declared.contains(variable) {
                throw .file(path, query.position, "card '\(name)': variable '{{\(variable)}}' has no template tag")
            }
            do {
                _ = try NativeQuery.render(sql, values: Dictionary(uniqueKeysWithValues: declared.map { ($0, "x") }))
            } catch {
                throw .file(path, query.position, "card '\(name)': \(error.description)")
            }
            guard let database = query["database"]?.string else {
                throw .file(
                    path, query.position,
                    "card '\(name)': 'database' must name a Metabase database (\"\(DashboardFormat.tenantDatabase)\" for the tenant's own)"
                )
            }
            if let settings = node["visualization_settings"], settings.members == nil {
                throw .file(path, settings.position, "card '\(name)': 'visualization_settings' must be an object")
            }
            return CardSpec(
                name: name, description: try optionalString(node, "description"), display: display,
                visualizationSettings: node["visualization_settings"]?.plain ?? .object([]), databaseName: database,
                sql: sql, templateTags: tags?.plain ?? .object([]), dashboardName: dashboard)
        }
    }
}
