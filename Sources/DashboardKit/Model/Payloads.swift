import RGCore

/// What is sent to Metabase and what is compared with what it holds, in one shape each, so that "unchanged" means
/// the same thing whether it was learnt from the state file or from Metabase itself.
enum Payloads {
    // MARK: Cards

    /// The body of `POST /api/card` and `PUT /api/card/:id`.
    static func card(_ spec: CardSpec, databaseID: Int, collectionID: Int) -> JSONValue {
        .object([
            ("name", .string(spec.name)),
            ("description", spec.description.map(JSONValue.string) ?? .null),
            ("display", .string(spec.display)),
            ("type", .string("question")),
            ("collection_id", .int(collectionID)),
            ("visualization_settings", spec.visualizationSettings),
            (
                "dataset_query",
                .object([
                    ("type", .string("native")),
                    ("database", .int(databaseID)),
                    ("native", .object([("query", .string(spec.sql)), ("template-tags", spec.templateTags)])),
                ])
            ),
        ])
    }

    /// A card as Metabase returns it, in the shape `card(_:databaseID:collectionID:)` sends (the query in the
    /// legacy shape, whatever shape it came in), cut down to the keys sent.
    static func cardAsSent(_ card: JSONValue, like sent: JSONValue) -> JSONValue {
        var shaped = card
        if let query = card["dataset_query"] { shaped = shaped.setting("dataset_query", legacyQuery(query)) }
        if shaped["type"] == nil { shaped = shaped.setting("type", .string("question")) }
        if shaped["description"] == nil { shaped = shaped.setting("description", .null) }
        return shaped.projected(onto: sent)
    }

    /// `{type: native, database, native: {query, template-tags}}` from either that or MBQL 5's
    /// `{lib/type: mbql/query, database, stages: [{lib/type: mbql.stage/native, native, template-tags}]}`.
    static func legacyQuery(_ query: JSONValue) -> JSONValue {
        if query["native"]?.members != nil { return query }
        guard let stage = query["stages"]?.elements?.first else { return query }
        return .object([
            ("type", .string("native")),
            ("database", query["database"] ?? .null),
            (
                "native",
                .object([
                    ("query", stage["native"] ?? .null), ("template-tags", stage["template-tags"] ?? .object([])),
                ])
            ),
        ])
    }

    // MARK: Dashboards

    /// The body of `POST /api/dashboard` (Metabase ignores dashcards there: they are placed with a PUT).
    static func newDashboard(_ spec: DashboardSpec, collectionID: Int) -> JSONValue {
        .object([
            ("name", .string(spec.name)),
            ("description", spec.description.map(JSONValue.string) ?? .null),
            ("parameters", spec.parameters),
            ("collection_id", .int(collectionID)),
        ])
    }

    /// What a dashboard should hold, without any id of its own: compared with `layout(of:)` of what Metabase
    /// holds, and hashed into the state file.
    static func layout(_ spec: DashboardSpec, cardIDs: [String: Int]) -> JSONValue {
        let dashcards = spec.dashcards.map { dashcard -> JSONValue in
            let cardID: JSONValue = dashcard.cardName.flatMap { cardIDs[$0] }.map(JSONValue.int) ?? .null
            return .object([
                ("card_id", cardID),
                ("row", .int(dashcard.row)),
                ("col", .int(dashcard.col)),
                ("size_x", .int(dashcard.sizeX)),
                ("size_y", .int(dashcard.sizeY)),
                ("tab", dashcard.tab.map(JSONValue.string) ?? .null),
                ("visualization_settings", dashcard.visualizationSettings),
                (
                    "parameter_mappings",
                    .array(dashcard.parameterMappings.map { $0.setting("card_id", cardID) })
                ),
            ])
        }
        return .object([
            ("name", .string(spec.name)),
            ("description", spec.description.map(JSONValue.string) ?? .null),
            ("parameters", spec.parameters),
            ("tabs", .array(spec.tabs.map(JSONValue.string))),
            ("dashcards", .array(sortedDashcards(dashcards))),
        ])
    }

    /// The layout of a dashboard as `GET /api/dashboard/:id` returns it, in the shape of `layout(_:cardIDs:)`.
    static func layout(of dashboard: JSONValue, like wanted: JSONValue) -> JSONValue {
        let tabs = tabsInOrder(dashboard)
        let tabNames = Dictionary(tabs.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let wantedDashcards = wanted["dashcards"]?.elements ?? []
        let dashcards = dashcardsOf(dashboard).map { dashcard -> JSONValue in
            .object([
                ("card_id", dashcard["card_id"] ?? .null),
                ("row", dashcard["row"] ?? .null),
                ("col", dashcard["col"] ?? .null),
                ("size_x", dashcard["size_x"] ?? .null),
                ("size_y", dashcard["size_y"] ?? .null),
                ("tab", dashcard["dashboard_tab_id"]?.intValue.flatMap { tabNames[$0] }.map(JSONValue.string) ?? .null),
                ("visualization_settings", dashcard["visualization_settings"] ?? .object([])),
                ("parameter_mappings", dashcard["parameter_mappings"] ?? .array([])),
            ])
        }
        let sorted = sortedDashcards(dashcards)
        let projected =
            sorted.count == wantedDashcards.count
            ? zip(sorted, wantedDashcards).map { $0.projected(onto: $1) } : sorted
        return .object([
            ("name", dashboard["name"] ?? .null),
            ("description", dashboard["description"] ?? .null),
            ("parameters", (dashboard["parameters"] ?? .array([])).projected(onto: wanted["parameters"] ?? .null)),
            ("tabs", .array(tabs.map { JSONValue.string($0.name) })),
            ("dashcards", .array(projected)),
        ])
    }

    /// The body of `PUT /api/dashboard/:id`: the layout with this Metabase's ids. Tabs and dashcards that exist are
    /// kept by id (tabs by name, dashcards by card and place); new ones get negative ids, as Metabase wants.
    static func dashboardUpdate(_ layout: JSONValue, existing: JSONValue?) -> JSONValue {
        let existingTabs = existing.map(tabsInOrder) ?? []
        var nextNew = -1
        func newID() -> Int {
            defer { nextNew -= 1 }
            return nextNew
        }
        var tabIDs: [String: Int] = [:]
        let tabs = (layout["tabs"]?.elements ?? []).compactMap(\.stringValue).map { name -> JSONValue in
            let id = existingTabs.first { $0.name == name }?.id ?? newID()
            tabIDs[name] = id
            return .object([("id", .int(id)), ("name", .string(name))])
        }
        // Existing dashcards by card and tab, in order, so each is reused once.
        var reusable: [String: [Int]] = [:]
        for dashcard in existing.map(dashcardsOf) ?? [] {
            guard let id = dashcard["id"]?.intValue else { continue }
            let tab = dashcard["dashboard_tab_id"]?.intValue.flatMap { tabID in existingTabs.first { $0.id == tabID } }
            reusable["\(dashcard["card_id"]?.intValue ?? 0)/\(tab?.name ?? "")", default: []].append(id)
        }
        let dashcards = (layout["dashcards"]?.elements ?? []).map { dashcard -> JSONValue in
            let tab = dashcard["tab"]?.stringValue
            let key = "\(dashcard["card_id"]?.intValue ?? 0)/\(tab ?? "")"
            let id: Int
            if var ids = reusable[key], !ids.isEmpty {
                id = ids.removeFirst()
                reusable[key] = ids
            } else {
                id = newID()
            }
            return .object([
                ("id", .int(id)),
                ("card_id", dashcard["card_id"] ?? .null),
                ("dashboard_tab_id", tab.flatMap { tabIDs[$0] }.map(JSONValue.int) ?? .null),
                ("row", dashcard["row"] ?? .int(0)),
                ("col", dashcard["col"] ?? .int(0)),
                ("size_x", dashcard["size_x"] ?? .int(1)),
                ("size_y", dashcard["size_y"] ?? .int(1)),
                ("series", .array([])),
                ("visualization_settings", dashcard["visualization_settings"] ?? .object([])),
                ("parameter_mappings", dashcard["parameter_mappings"] ?? .array([])),
            ])
        }
        return .object([
            ("name", layout["name"] ?? .null),
            ("description", layout["description"] ?? .null),
            ("parameters", layout["parameters"] ?? .array([])),
            ("tabs", .array(tabs)),
            ("dashcards", .array(dashcards)),
        ])
    }

    /// `dashcards`, or `ordered_cards` from a Metabase before 0.48.
    static func dashcardsOf(_ dashboard: JSONValue) -> [JSONValue] {
        (dashboard["dashcards"] ?? dashboard["ordered_cards"])?.elements ?? []
    }

    static func tabsInOrder(_ dashboard: JSONValue) -> [(id: Int, name: String)] {
        let tabs = (dashboard["tabs"]?.elements ?? []).compactMap { tab -> (Int, Int, String)? in
            guard let id = tab["id"]?.intValue, let name = tab["name"]?.stringValue else { return nil }
            return (tab["position"]?.intValue ?? 0, id, name)
        }
        return tabs.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map {
            (id: $0.element.1, name: $0.element.2)
        }
    }

    /// Dashcards in a stable order (tab, row, col, card), so the same layout compares equal however it was listed.
    private static func sortedDashcards(_ dashcards: [JSONValue]) -> [JSONValue] {
        dashcards.sorted { lhs, rhs in
            func key(_ value: JSONValue) -> (String, Int, Int, Int) {
                (
                    value["tab"]?.stringValue ?? "", value["row"]?.intValue ?? 0, value["col"]?.intValue ?? 0,
                    value["card_id"]?.intValue ?? 0
                )
            }
            return key(lhs) < key(rhs)
        }
    }
}
