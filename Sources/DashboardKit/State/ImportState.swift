import Foundation
import RGCore

/// What an import created in one Metabase for one tenant: ids, and a hash of what was last sent for each card and
/// dashboard, so that a re-run sends nothing when nothing changed. Kept at `<state-dir>/<slug>/metabase.json`,
/// written atomically after every object, so a run that stops anywhere leaves a state the next run completes.
/// Holds no secret: the Metabase URL without user info or query, names, ids and hashes.
public struct ImportState: Sendable, Equatable {
    public struct Record: Sendable, Equatable {
        public var id: Int
        /// SHA-256 of what was last sent; nil for a dashboard created but not yet laid out.
        public var hash: String?
    }

    public static let formatVersion = "1"
    public static let defaultDirectory = ".rg-crm/state"

    public var metabaseURL: String
    public var collectionID: Int?
    public var databaseID: Int?
    public var cards: [String: Record] = [:]
    public var dashboards: [String: Record] = [:]

    public init(metabaseURL: String) { self.metabaseURL = metabaseURL }

    public static func path(directory: String, slug: Slug) -> String {
        (directory as NSString).appendingPathComponent("\(slug.rawValue)/metabase.json")
    }

    /// The state at `path`, or an empty one when there is none or it belongs to another Metabase.
    public static func load(path: String, metabaseURL: String) throws(DashboardError) -> ImportState {
        guard FileManager.default.fileExists(atPath: path) else { return ImportState(metabaseURL: metabaseURL) }
        let bytes: [UInt8]
        do { bytes = try BoundedFile.read(path, limit: 4 << 20) } catch { throw .usage(error.description) }
        guard let json = JSONValue.parse(bytes), json["format_version"]?.stringValue == formatVersion else {
            throw .usage(
                "\(path): not an rg-crm Metabase state file (format \(formatVersion)); move it away to re-find everything by name"
            )
        }
        guard json["metabase_url"]?.stringValue == metabaseURL else { return ImportState(metabaseURL: metabaseURL) }
        var state = ImportState(metabaseURL: metabaseURL)
        state.collectionID = json["collection_id"]?.intValue
        state.databaseID = json["database_id"]?.intValue
        func records(_ key: String) -> [String: Record] {
            var records: [String: Record] = [:]
            for (name, value) in json[key]?.members ?? [] {
                guard let id = value["id"]?.intValue else { continue }
                records[name] = Record(id: id, hash: value["hash"]?.stringValue)
            }
            return records
        }
        state.cards = records("cards")
        state.dashboards = records("dashboards")
        return state
    }

    public func write(to path: String) throws(DashboardError) {
        do { try AtomicFile.write(Array(json.serialized(indent: 2).utf8) + [10], to: path) } catch {
            throw DashboardError(error.description, category: error.category)
        }
    }

    var json: JSONValue {
        func records(_ records: [String: Record]) -> JSONValue {
            .object(
                records.sorted { $0.key < $1.key }.map { name, record in
                    (name, .object([("id", .int(record.id)), ("hash", record.hash.map(JSONValue.string) ?? .null)]))
                })
        }
        return .object([
            ("format_version", .string(Self.formatVersion)),
            ("metabase_url", .string(metabaseURL)),
            ("collection_id", collectionID.map(JSONValue.int) ?? .null),
            ("database_id", databaseID.map(JSONValue.int) ?? .null),
            ("cards", records(cards)),
            ("dashboards", records(dashboards)),
        ])
    }
}
