import Foundation
import RGCore

/// An item of a collection, as `GET /api/collection/:id/items` lists it.
struct CollectionItem: Sendable, Equatable {
    var id: Int
    var name: String
    var model: String
}

/// The tenant's reader connection for `POST /api/database`, from `postgresql://user:password@host:port/dbname`.
/// The password is kept for the request only: `description` never shows it.
public struct ReaderDatabase: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: String
    public var user: String
    public var password: String
    public var ssl: Bool

    public init(url: String) throws(DashboardError) {
        guard let components = URLComponents(string: url),
            ["postgres", "postgresql"].contains(components.scheme?.lowercased() ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw .usage("--reader-url must be postgresql://USER:PASSWORD@HOST[:PORT]/DATABASE")
        }
        guard let user = components.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty,
            let password = components.password.flatMap({ $0.removingPercentEncoding })
        else {
            throw .usage(
                "--reader-url needs the user and password of a login that holds the tenant's reader role (postgresql://USER:PASSWORD@HOST/DATABASE)"
            )
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw .usage("--reader-url names no database (…/DATABASE)") }
        self.host = host
        self.port = components.port ?? 5432
        self.database = database.removingPercentEncoding ?? database
        self.user = user
        self.password = password
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        ssl = ["require", "verify-ca", "verify-full"].contains(mode)
    }

    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database)" }
}

/// The calls the importer and exporter make, each naming its step for errors.
struct MetabaseAPI {
    let client: MetabaseClient

    /// A collection's items of the given models; `nil` is the root collection. Both the paged object
    /// (`{"data": […]}`) and a bare array are read.
    func items(in collection: Int?, models: [String], step: String) throws(DashboardError) -> [CollectionItem] {
        let query = models.map { "models=\($0)" }.joined(separator: "&")
        let json = try client.send(
            "GET", "/api/collection/\(collection.map(String.init) ?? "root")/items?\(query)", step: step)
        return Self.list(json).compactMap { item in
            guard let id = item["id"]?.intValue, let name = item["name"]?.stringValue else { return nil }
            if item["archived"] == .bool(true) { return nil }
            return CollectionItem(id: id, name: name, model: item["model"]?.stringValue ?? "")
        }
    }

    func createCollection(name: String, parent: Int?, step: String) throws(DashboardError) -> Int {
        let body = JSONValue.object([("name", .string(name)), ("parent_id", parent.map(JSONValue.int) ?? .null)])
        return try id(of: try client.send("POST", "/api/collection", body: body, step: step), step: step)
    }

    func databases(step: String) throws(DashboardError) -> [(id: Int, name: String)] {
        Self.list(try client.send("GET", "/api/database", step: step)).compactMap { database in
            guard let id = database["id"]?.intValue, let name = database["name"]?.stringValue else { return nil }
            return (id, name)
        }
    }

    func createDatabase(name: String, reader: ReaderDatabase, step: String) throws(DashboardError) -> Int {
        let details = JSONValue.object([
            ("host", .string(reader.host)), ("port", .int(reader.port)), ("dbname", .string(reader.database)),
            ("user", .string(reader.user)), ("password", .string(reader.password)), ("ssl", .bool(reader.ssl)),
            ("schema-filters-type", .string("inclusion")), ("schema-filters-patterns", .string("crm")),
        ])
        let body = JSONValue.object([
            ("engine", .string("postgres")), ("name", .string(name)), ("details", details),
            ("is_full_sync", .bool(true)),
        ])
        return try id(of: try client.send("POST", "/api/database", body: body, step: step), step: step)
    }

    func id(of response: JSONValue, step: String) throws(DashboardError) -> Int {
        guard let id = response["id"]?.intValue else { throw .failed("\(step): Metabase's answer held no id") }
        return id
    }

    /// `{"data": […]}` (collections' items, databases since 0.41) or a bare array (older databases).
    static func list(_ json: JSONValue) -> [JSONValue] {
        json.elements ?? json["data"]?.elements ?? []
    }
}
