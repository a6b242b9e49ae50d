import Foundation

/// A fake Metabase (v0.50+ REST API, the parts rg-crm uses) on `FakeHTTPServer`, loopback only. It keeps the
/// documented contract, so the importer is tested against what Metabase enforces rather than what it hopes:
/// - authentication: `X-API-Key`, or `X-Metabase-Session` from `POST /api/session`; anything else is 401
///   `Unauthenticated`;
/// - cards need name, display, dataset_query and visualization_settings (400 `{"errors": {field: message}}`),
///   their `dataset_query.database` must exist; cards are answered in MBQL 5 (`stages`), as since v0.57;
/// - `POST /api/dashboard` ignores `dashcards`; cards are placed with `PUT /api/dashboard/:id`, whose dashcards
///   need size_x/size_y ≥ 1, row/col ≥ 0, an existing card, negative ids for new ones, and the tabs rule (with tabs
///   every dashcard names one of them, without tabs none does); parameter mappings must name an existing card and
///   a parameter of the dashboard;
/// - `POST /api/dashboard/:id/cards` (removed in v0.47) is 404;
/// - `POST /api/card/:id/query` runs a card's saved query and answers 202, as Metabase streams it: `"status":
///   "completed"` with `data.rows` and `data.cols`, or `"status": "failed"` with `error` (a card made to fail with
///   `failQuery`);
/// - switches to fail on demand (`failures`, `delay`, `rejectAll`), and requests counted by method.
public final class FakeMetabase: @unchecked Sendable {
    /// A failure to inject: the `nth` request (1-based) matching method and path prefix answers `status`; with
    /// `afterLanding` the request is carried out first (the POST landed, its answer was lost).
    public struct Failure: Sendable {
        public var method: String
        public var pathPrefix: String
        public var nth: Int
        public var status: Int
        public var afterLanding: Bool
        public var seen = 0

        public init(method: String, pathPrefix: String, nth: Int = 1, status: Int = 500, afterLanding: Bool = false) {
            self.method = method
            self.pathPrefix = pathPrefix
            self.nth = nth
            self.status = status
            self.afterLanding = afterLanding
        }
    }

    public let apiKey: String
    public let user: String
    public let password: String
    private var server: FakeHTTPServer!
    private let lock = NSLock()
    private var nextID = 100
    private var collections: [Int: [String: Any]] = [:]
    private var databases: [Int: [String: Any]] = [:]
    private var cards: [Int: [String: Any]] = [:]
    private var dashboards: [Int: [String: Any]] = [:]
    private var sessions: Set<String> = []
    private var counts: [String: Int] = [:]
    private var injected: [Failure] = []
    private var slowness: Double = 0
    private var rejecting = false
    /// Cards whose query run fails, by name, with the database's error.
    private var failingQueries: [String: String] = [:]
    /// `GET /api/database` as a bare array (Metabase before 0.41) instead of `{"data": […]}`.
    public var bareDatabaseList = false

    public init(
        apiKey: String = "mb_fake_key_" + UUID().uuidString, user: String = "admin@example.com",
        password: String = "fake-password-" + UUID().uuidString, port: Int = 0
    ) throws {
        self.apiKey = apiKey
        self.user = user
        self.password = password
        databases[1] = ["id": 1, "name": "Sample Database", "engine": "h2"]
        server = try FakeHTTPServer(port: port) { [unowned self] request in self.handle(request) }
    }

    public var baseURL: String { server.baseURL }
    public var port: Int { server.port }
    public func stop() { server.stop() }

    // MARK: Switches and observations

    public func inject(_ failure: Failure) { lock.withLock { injected.append(failure) } }
    public var delay: Double {
        get { lock.withLock { slowness } }
        set { lock.withLock { slowness = newValue } }
    }
    /// Every request answers 401, as with a revoked key.
    public var rejectAll: Bool {
        get { lock.withLock { rejecting } }
        set { lock.withLock { rejecting = newValue } }
    }

    /// Requests by method since the start or the last `resetCounts()`.
    public var requestCounts: [String: Int] { lock.withLock { counts } }
    public func count(_ method: String) -> Int { lock.withLock { counts[method] ?? 0 } }
    public func resetCounts() { lock.withLock { counts = [:] } }
    /// Every request the server received, in order (bodies included).
    public var requests: [FakeHTTPServer.Request] { server.requests }

    public func addDatabase(name: String, engine: String = "postgres") -> Int {
        lock.withLock {
            let id = newID()
            databases[id] = ["id": id, "name": name, "engine": engine]
            return id
        }
    }

    /// The sessions `POST /api/session` handed out.
    public var sessionIDs: [String] { lock.withLock { Array(sessions) } }

    public func databaseID(named name: String) -> Int? {
        lock.withLock { databases.first { $0.value["name"] as? String == name }?.key }
    }

    public var collectionNames: [String] { lock.withLock { collections.values.compactMap { $0["name"] as? String } } }
    public var cardsByID: [Int: [String: Any]] { lock.withLock { cards } }
    public var dashboardsByID: [Int: [String: Any]] { lock.withLock { dashboards } }
    public var databaseNames: [String] { lock.withLock { databases.values.compactMap { $0["name"] as? String } } }
    /// What `POST /api/database` was sent, for checks (the fake itself never answers with a password).
    public var databaseDetails: [[String: Any]] {
        lock.withLock { databases.values.compactMap { $0["details"] as? [String: Any] } }
    }

    /// Deletes a card as someone in Metabase's UI would (it disappears from its collection and from dashboards).
    public func deleteCard(named name: String) {
        lock.withLock {
            for (id, card) in cards where card["name"] as? String == name {
                cards[id] = nil
                for (dashboardID, var dashboard) in dashboards {
                    let dashcards = (dashboard["dashcards"] as? [[String: Any]]) ?? []
                    dashboard["dashcards"] = dashcards.filter { $0["card_id"] as? Int != id }
                    dashboards[dashboardID] = dashboard
                }
            }
        }
    }

    /// Changes a card's SQL as an edit in Metabase's UI would.
    public func editCardSQL(named name: String, to sql: String) {
        lock.withLock {
            for (id, var card) in cards where card["name"] as? String == name {
                var query = card["dataset_query"] as? [String: Any] ?? [:]
                var native = query["native"] as? [String: Any] ?? [:]
                native["query"] = sql
                query["native"] = native
                card["dataset_query"] = query
                cards[id] = card
            }
        }
    }

    /// Makes the query of the card `name` fail when it is run, with `error` as the database's message.
    public func failQuery(
        ofCard name: String, error: String = "ERROR: relation \"crm.no_such_view\" does not exist Position: 15"
    ) {
        lock.withLock { failingQueries[name] = error }
    }

    /// Points the card `name` at another database, as an edit in Metabase's UI would.
    public func moveCard(named name: String, toDatabase database: Int) {
        lock.withLock {
            for (id, var card) in cards where card["name"] as? String == name {
                var query = card["dataset_query"] as? [String: Any] ?? [:]
                query["database"] = database
                card["dataset_query"] = query
                cards[id] = card
            }
        }
    }

    /// Deletes a dashboard as someone in Metabase's UI would.
    public func deleteDashboard(named name: String) {
        lock.withLock { dashboards = dashboards.filter { $0.value["name"] as? String != name } }
    }

    // MARK: Serving

    private func newID() -> Int {
        nextID += 1
        return nextID
    }

    /// Metabase gives every collection, card and dashboard a 21-character `entity_id` of its own; a client cannot
    /// set it over REST.
    private func newEntityID() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-")
        return String((0..<21).map { _ in alphabet.randomElement()! })
    }

    private var timestamp: String { ISO8601DateFormatter().string(from: Date()) }

    private func handle(_ request: FakeHTTPServer.Request) -> FakeHTTPServer.Response {
        let (path, query) = Self.split(request.path)
        if path.hasPrefix("/__fake/") { return control(request.method, path) }
        return lock.withLock { () -> FakeHTTPServer.Response in
            counts[request.method, default: 0] += 1
            var response = serve(request, path: path, query: query)
            response.delay = slowness
            return response
        }
    }

    /// Test and bench controls, not counted: `GET /__fake/counts`, `POST /__fake/reset-counts`.
    private func control(_ method: String, _ path: String) -> FakeHTTPServer.Response {
        switch (method, path) {
        case ("GET", "/__fake/counts"): return Self.json(requestCounts)
        case ("POST", "/__fake/reset-counts"):
            resetCounts()
            return Self.json([String: Int]())
        default: return Self.text(404, "API endpoint does not exist.")
        }
    }

    /// Called with the lock held.
    private func serve(_ request: FakeHTTPServer.Request, path: String, query: [(String, String)])
        -> FakeHTTPServer.Response
    {
        // Each failure counts the requests it matches, whichever others fire.
        var failNow: Int?
        var failAfter: Int?
        for index in injected.indices
        where request.method == injected[index].method && path.hasPrefix(injected[index].pathPrefix) {
            injected[index].seen += 1
            if injected[index].seen == injected[index].nth {
                if injected[index].afterLanding {
                    failAfter = injected[index].status
                } else {
                    failNow = injected[index].status
                }
            }
        }
        if let failNow { return Self.text(failNow, "Injected failure") }
        if rejecting { return Self.text(401, "Unauthenticated") }
        if request.method == "POST" && path == "/api/session" { return login(request) }
        let key = request.headers["x-api-key"]
        let session = request.headers["x-metabase-session"]
        guard key == apiKey || session.map(sessions.contains) == true else { return Self.text(401, "Unauthenticated") }
        let body = request.body.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(request.body))
        if !request.body.isEmpty && body == nil { return Self.text(400, "Invalid JSON body") }
        let parts = path.split(separator: "/").map(String.init)  // ["api", "card", "12"]
        let response = route(request.method, parts, query: query, body: body as? [String: Any], rawBody: body)
        if let failAfter { return Self.text(failAfter, "Injected failure after the request landed") }
        return response
    }

    private func login(_ request: FakeHTTPServer.Request) -> FakeHTTPServer.Response {
        let body = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] ?? [:]
        guard let username = body["username"] as? String, !username.isEmpty else {
            return Self.errors(400, ["username": "value must be a non-blank string."])
        }
        guard username == user, body["password"] as? String == password else {
            return Self.errors(401, ["password": "did not match stored password"])
        }
        let id = UUID().uuidString.lowercased()
        sessions.insert(id)
        return Self.json(["id": id])
    }

    private func route(
        _ method: String, _ parts: [String], query: [(String, String)], body: [String: Any]?, rawBody: Any?
    )
        -> FakeHTTPServer.Response
    {
        switch (method, parts.count > 1 ? parts[1] : "", parts.count) {
        case ("GET", "collection", 4) where parts[3] == "items":
            return items(parts[2], models: query.filter { $0.0 == "models" }.map(\.1))
        case ("POST", "collection", 2): return createCollection(body)
        case ("GET", "database", 2):
            let list = databases.keys.sorted().map { id in databases[id]!.filter { $0.key != "details" } }
            return bareDatabaseList ? Self.json(list) : Self.json(["data": list, "total": list.count])
        case ("POST", "database", 2): return createDatabase(body)
        case ("GET", "card", 3):
            guard let id = Int(parts[2]), let card = cards[id] else { return Self.text(404, "Not found.") }
            return Self.json(mbql5(card))
        case ("POST", "card", 2): return saveCard(nil, body, rawBody: rawBody)
        case ("POST", "card", 4) where parts[3] == "query":
            guard let id = Int(parts[2]), let card = cards[id] else { return Self.text(404, "Not found.") }
            return runQuery(card)
        case ("PUT", "card", 3):
            guard let id = Int(parts[2]), cards[id] != nil else { return Self.text(404, "Not found.") }
            return saveCard(id, body, rawBody: rawBody)
        case ("GET", "dashboard", 3):
            guard let id = Int(parts[2]), let dashboard = dashboards[id] else { return Self.text(404, "Not found.") }
            return Self.json(present(dashboard))
        case ("POST", "dashboard", 2): return createDashboard(body)
        case ("PUT", "dashboard", 3):
            guard let id = Int(parts[2]), dashboards[id] != nil else { return Self.text(404, "Not found.") }
            return updateDashboard(id, body)
        // Listings other tools walk (metabase-sync, in bench/dashboards.sh).
        case ("GET", "collection", 2):
            let root: [String: Any] = ["id": "root", "name": "Our analytics", "location": NSNull(), "archived": false]
            return Self.json([root] + collections.keys.sorted().map { presentCollection($0) })
        case ("GET", "collection", 3):
            guard let id = Int(parts[2]), collections[id] != nil else { return Self.text(404, "Not found.") }
            return Self.json(presentCollection(id))
        case ("GET", "card", 2):
            return Self.json(cards.keys.sorted().map { mbql5(cards[$0]!) })
        case ("GET", "dashboard", 2):
            return Self.json(dashboards.keys.sorted().map { dashboards[$0]!.filter { $0.key != "dashcards" } })
        case ("GET", "native-query-snippet", 2), ("GET", "pulse", 2), ("GET", "alert", 2), ("GET", "segment", 2),
            ("GET", "legacy-metric", 2):
            return Self.json([Any]())
        case ("GET", "user", 2):
            return Self.json(["data": [["id": 1, "email": user, "common_name": "Admin"]], "total": 1])
        case ("GET", "session", 3) where parts[2] == "properties":
            return Self.json(["version": ["tag": "v0.57.0"]])
        case ("GET", "health", 2):
            return Self.json(["status": "ok"])
        default:
            // Includes POST /api/dashboard/:id/cards, removed in v0.47.
            return Self.text(404, "API endpoint does not exist.")
        }
    }

    private func items(_ collection: String, models: [String]) -> FakeHTTPServer.Response {
        let parent: Int?
        if collection == "root" {
            parent = nil
        } else {
            guard let id = Int(collection), collections[id] != nil else { return Self.text(404, "Not found.") }
            parent = id
        }
        let wanted = Set(models.isEmpty ? ["collection", "card", "dashboard"] : models)
        var data: [[String: Any]] = []
        if wanted.contains("collection") {
            for (id, collection) in collections.sorted(by: { $0.key < $1.key })
            where collection["parent_id"] as? Int == parent {
                data.append(["id": id, "name": collection["name"]!, "model": "collection"])
            }
        }
        for (model, table) in [("card", cards), ("dashboard", dashboards)] where wanted.contains(model) {
            for (id, item) in table.sorted(by: { $0.key < $1.key }) where item["collection_id"] as? Int == parent {
                data.append(["id": id, "name": item["name"]!, "model": model, "archived": false])
            }
        }
        return Self.json([
            "total": data.count, "data": data, "models": Array(wanted).sorted(), "limit": NSNull(),
            "offset": NSNull(),
        ])
    }

    private func presentCollection(_ id: Int) -> [String: Any] {
        var path: [Int] = []
        var parent = collections[id]?["parent_id"] as? Int
        while let next = parent {
            path.insert(next, at: 0)
            parent = collections[next]?["parent_id"] as? Int
        }
        return [
            "id": id, "name": collections[id]?["name"] ?? "", "archived": false, "personal_owner_id": NSNull(),
            "location": "/" + path.map { "\($0)/" }.joined(), "description": NSNull(),
            "entity_id": collections[id]?["entity_id"] ?? NSNull(),
        ]
    }

    private func createCollection(_ body: [String: Any]?) -> FakeHTTPServer.Response {
        guard let name = body?["name"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            return Self.errors(400, ["name": "value must be a non-blank string."])
        }
        let parent = body?["parent_id"] as? Int
        if let parent, collections[parent] == nil { return Self.text(404, "Not found.") }
        let id = newID()
        collections[id] = ["id": id, "name": name, "parent_id": parent as Any, "entity_id": newEntityID()]
        return Self.json(["id": id, "name": name, "location": parent.map { "/\($0)/" } ?? "/"])
    }

    private func createDatabase(_ body: [String: Any]?) -> FakeHTTPServer.Response {
        guard let name = body?["name"] as? String, !name.isEmpty else {
            return Self.errors(400, ["name": "value must be a non-blank string."])
        }
        guard let engine = body?["engine"] as? String, !engine.isEmpty else {
            return Self.errors(400, ["engine": "value must be a valid database engine."])
        }
        guard let details = body?["details"] as? [String: Any] else {
            return Self.errors(400, ["details": "value must be a map."])
        }
        let id = newID()
        databases[id] = ["id": id, "name": name, "engine": engine, "details": details]
        return Self.json(["id": id, "name": name, "engine": engine])
    }

    private func saveCard(_ existing: Int?, _ body: [String: Any]?, rawBody: Any?) -> FakeHTTPServer.Response {
        guard let body else { return Self.errors(400, ["body": "value must be a map."]) }
        var card = existing.flatMap { cards[$0] } ?? [:]
        let creating = existing == nil
        var errors: [String: String] = [:]
        for key in ["name", "display"] where creating || body[key] != nil {
            if (body[key] as? String)?.trimmingCharacters(in: .whitespaces).isEmpty != false {
                errors[key] = "value must be a non-blank string."
            }
        }
        for key in ["dataset_query", "visualization_settings"] where creating || body[key] != nil {
            if !(body[key] is [String: Any]) { errors[key] = "value must be a map." }
        }
        if let query = body["dataset_query"] as? [String: Any] {
            if let database = query["database"] as? Int, databases[database] == nil {
                errors["dataset_query"] = "database \(database) does not exist."
            } else if !(query["database"] is Int) {
                errors["dataset_query"] = "database must be an integer greater than zero."
            }
        }
        if let collection = body["collection_id"] as? Int, collections[collection] == nil {
            errors["collection_id"] = "collection \(collection) does not exist."
        }
        if !errors.isEmpty { return Self.errors(400, errors) }
        for (key, value) in body where !["id", "entity_id", "created_at", "updated_at"].contains(key) {
            card[key] = value
        }
        let id = existing ?? newID()
        if creating { card["entity_id"] = newEntityID() }
        card["updated_at"] = timestamp
        card["id"] = id
        card["archived"] = false
        cards[id] = card
        return Self.json(mbql5(card))
    }

    /// A query run as Metabase answers it: 202 (the answer is streamed) whether the query completed or failed.
    private func runQuery(_ card: [String: Any]) -> FakeHTTPServer.Response {
        let query = card["dataset_query"] as? [String: Any] ?? [:]
        var answer: [String: Any] = [
            "database_id": query["database"] ?? NSNull(), "started_at": timestamp, "json_query": query,
            "context": "question", "running_time": 3, "row_count": 0,
        ]
        if let error = failingQueries[card["name"] as? String ?? ""] {
            answer["status"] = "failed"
            answer["error"] = error
            answer["error_type"] = "invalid-query"
            answer["class"] = "org.postgresql.util.PSQLException"
            answer["data"] = ["rows": [Any](), "cols": [Any]()]
        } else {
            answer["status"] = "completed"
            answer["data"] = [
                "rows": [Any](), "cols": [["name": "value", "display_name": "value", "base_type": "type/Integer"]],
                "native_form": ["query": (query["native"] as? [String: Any])?["query"] ?? ""],
                "results_metadata": ["columns": [Any]()], "rows_truncated": 0,
            ]
        }
        return Self.json(answer, status: 202)
    }

    private func createDashboard(_ body: [String: Any]?) -> FakeHTTPServer.Response {
        guard let name = body?["name"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            return Self.errors(400, ["name": "value must be a non-blank string."])
        }
        if let parameters = body?["parameters"], !(parameters is [Any]) {
            return Self.errors(400, ["parameters": "value must be an array."])
        }
        let collection = body?["collection_id"] as? Int
        if let collection, collections[collection] == nil { return Self.text(404, "Not found.") }
        let id = newID()
        // dashcards are ignored here, as Metabase does.
        let dashboard: [String: Any] = [
            "id": id, "name": name, "description": body?["description"] ?? NSNull(),
            "parameters": body?["parameters"] ?? [Any](), "collection_id": collection as Any, "dashcards": [Any](),
            "tabs": [Any](), "entity_id": newEntityID(), "updated_at": timestamp,
        ]
        dashboards[id] = dashboard
        return Self.json(present(dashboard))
    }

    private func updateDashboard(_ id: Int, _ body: [String: Any]?) -> FakeHTTPServer.Response {
        guard let body else { return Self.errors(400, ["body": "value must be a map."]) }
        var dashboard = dashboards[id]!
        if let parameters = body["parameters"] {
            guard parameters is [Any] else { return Self.errors(400, ["parameters": "value must be an array."]) }
        }
        // Tabs: kept by positive id (which must be this dashboard's), created for negative ids.
        let oldTabs = (dashboard["tabs"] as? [[String: Any]]) ?? []
        var tabs = oldTabs
        var tabIDs: [Int: Int] = [:]  // id in the request → stored id
        if let requested = body["tabs"] {
            guard let requested = requested as? [[String: Any]] else {
                return Self.errors(400, ["tabs": "value must be an array of maps."])
            }
            tabs = []
            for (position, tab) in requested.enumerated() {
                guard let tabID = tab["id"] as? Int, let name = tab["name"] as? String, !name.isEmpty else {
                    return Self.errors(400, ["tabs": "each tab needs an integer id and a non-blank name."])
                }
                let stored: Int
                if tabID < 0 {
                    stored = newID()
                } else {
                    guard oldTabs.contains(where: { $0["id"] as? Int == tabID }) else {
                        return Self.errors(400, ["tabs": "tab \(tabID) is not a tab of this dashboard."])
                    }
                    stored = tabID
                }
                tabIDs[tabID] = stored
                tabs.append(["id": stored, "name": name, "position": position, "dashboard_id": id])
            }
        } else {
            for tab in oldTabs { if let tabID = tab["id"] as? Int { tabIDs[tabID] = tabID } }
        }
        let parameterIDs = Set(
            ((body["parameters"] ?? dashboard["parameters"]) as? [[String: Any]] ?? []).compactMap {
                $0["id"] as? String
            })
        if let requested = body["dashcards"] {
            guard let requested = requested as? [[String: Any]] else {
                return Self.errors(400, ["dashcards": "value must be an array of maps."])
            }
            let old = (dashboard["dashcards"] as? [[String: Any]]) ?? []
            var placed: [[String: Any]] = []
            for dashcard in requested {
                guard let dashcardID = dashcard["id"] as? Int else {
                    return Self.errors(400, ["dashcards": "each dashcard needs an integer id (negative for new ones)."])
                }
                if dashcardID > 0 && !old.contains(where: { $0["id"] as? Int == dashcardID }) {
                    return Self.text(404, "Not found.")
                }
                for key in ["size_x", "size_y"] {
                    guard let value = dashcard[key] as? Int, value >= 1 else {
                        return Self.errors(400, ["dashcards": "\(key) must be an integer greater than zero."])
                    }
                }
                for key in ["row", "col"] {
                    guard let value = dashcard[key] as? Int, value >= 0 else {
                        return Self.errors(
                            400, ["dashcards": "\(key) must be an integer greater than or equal to zero."])
                    }
                }
                let cardID = dashcard["card_id"] as? Int
                if let cardID, cards[cardID] == nil {
                    return Self.errors(400, ["dashcards": "card \(cardID) does not exist."])
                }
                let tabRef = dashcard["dashboard_tab_id"] as? Int
                if tabs.isEmpty {
                    if tabRef != nil { return Self.errors(400, ["dashcards": "the dashboard has no tabs."]) }
                } else {
                    guard let tabRef, tabIDs[tabRef] != nil else {
                        return Self.errors(
                            400, ["dashcards": "This dashboard has tab, makes sure every card has a tab"])
                    }
                }
                let mappings = dashcard["parameter_mappings"] as? [[String: Any]] ?? []
                for mapping in mappings {
                    guard let parameter = mapping["parameter_id"] as? String, parameterIDs.contains(parameter) else {
                        return Self.errors(400, ["parameter_mappings": "parameter_id must name a dashboard parameter."])
                    }
                    // Metabase checks that a mapping's card can be read; the tests check it is the dashcard's.
                    if let mapped = mapping["card_id"] as? Int, cards[mapped] == nil {
                        return Self.errors(400, ["parameter_mappings": "card \(mapped) does not exist."])
                    }
                }
                var stored = dashcard
                stored["id"] = dashcardID < 0 ? newID() : dashcardID
                stored["dashboard_id"] = id
                stored["dashboard_tab_id"] = tabRef.flatMap { tabIDs[$0] } ?? NSNull()
                stored["card_id"] = cardID ?? NSNull()
                stored["card"] = nil
                placed.append(stored)
            }
            dashboard["dashcards"] = placed
        }
        dashboard["tabs"] = tabs
        for key in ["name", "description", "parameters"] where body[key] != nil { dashboard[key] = body[key] }
        dashboard["updated_at"] = timestamp
        dashboards[id] = dashboard
        return Self.json(present(dashboard))
    }

    /// A dashboard as GET answers it: each dashcard with its card nested, in MBQL 5.
    private func present(_ dashboard: [String: Any]) -> [String: Any] {
        var shown = dashboard
        shown["dashcards"] = ((dashboard["dashcards"] as? [[String: Any]]) ?? []).map { dashcard -> [String: Any] in
            var shown = dashcard
            shown["card"] = (dashcard["card_id"] as? Int).flatMap { cards[$0] }.map(mbql5) ?? NSNull()
            return shown
        }
        return shown
    }

    /// A card's query in MBQL 5, as Metabase answers since v0.57 (it still accepts the legacy shape).
    private func mbql5(_ card: [String: Any]) -> [String: Any] {
        var shown = card
        guard let query = card["dataset_query"] as? [String: Any], let native = query["native"] as? [String: Any]
        else { return shown }
        // Metabase answers the card's database and query type beside the query, too.
        shown["database_id"] = query["database"] ?? NSNull()
        shown["query_type"] = "native"
        var stage: [String: Any] = ["lib/type": "mbql.stage/native", "native": native["query"] ?? ""]
        if let tags = native["template-tags"] { stage["template-tags"] = tags }
        shown["dataset_query"] = [
            "lib/type": "mbql/query", "database": query["database"] ?? NSNull(), "stages": [stage],
        ]
        return shown
    }

    // MARK: Responses

    static func split(_ target: String) -> (String, [(String, String)]) {
        guard let mark = target.firstIndex(of: "?") else { return (target, []) }
        let query = target[target.index(after: mark)...].split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : "")
        }
        return (String(target[..<mark]), query)
    }

    static func json(_ object: Any, status: Int = 200) -> FakeHTTPServer.Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("null".utf8)
        return FakeHTTPServer.Response(
            status: status, headers: [("Content-Type", "application/json")], bytes: Array(data))
    }

    static func errors(_ status: Int, _ errors: [String: String]) -> FakeHTTPServer.Response {
        json(["errors": errors, "specific-errors": errors.mapValues { [$0] }], status: status)
    }

    static func text(_ status: Int, _ text: String) -> FakeHTTPServer.Response {
        FakeHTTPServer.Response(status: status, headers: [("Content-Type", "text/plain")], body: text)
    }
}
