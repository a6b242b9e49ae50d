import Foundation
import RGCore

/// What to import for which tenant.
public struct ImportRequest: Sendable {
    public var slug: Slug
    /// The collection is `CRM / <tenantName>`.
    public var tenantName: String
    public var dashboards: [DashboardSpec]
    /// The tenant's Metabase database, found by name (default `rentguy-crm-<slug>`).
    public var databaseName: String
    /// With `--register-database`: the reader connection to create when the database is missing.
    public var reader: ReaderDatabase?
    /// `--shared-database`: a database every tenant shares; the cards are then not tenant-isolated.
    public var sharedDatabase: String?
    public var statePath: String
    public var dryRun: Bool

    public init(
        slug: Slug, tenantName: String, dashboards: [DashboardSpec], databaseName: String? = nil,
        reader: ReaderDatabase? = nil, sharedDatabase: String? = nil, statePath: String, dryRun: Bool = false
    ) {
        self.slug = slug
        self.tenantName = tenantName
        self.dashboards = dashboards
        self.databaseName = databaseName ?? Self.defaultDatabaseName(slug)
        self.reader = reader
        self.sharedDatabase = sharedDatabase
        self.statePath = statePath
        self.dryRun = dryRun
    }

    public static func defaultDatabaseName(_ slug: Slug) -> String { "rentguy-crm-\(slug.rawValue)" }

    /// `CRM / Mr. DJ`.
    public var collectionLabel: String { "\(DashboardImporter.rootCollectionName) / \(tenantName)" }
}

public struct ImportReport: Sendable {
    public var plan: Plan
    /// False when the cards run on a shared database (`--shared-database`): each tenant then sees every tenant's rows.
    public var isolated: Bool
    public var databaseName: String
}

/// Imports the dashboards of the repository into one tenant's collection of one Metabase: observe (reads only),
/// compare with the wanted content and the state file, then create or update each object by itself, recording it
/// in the state file as soon as it exists, so a run that stops anywhere is finished by the next.
public struct DashboardImporter {
    public static let rootCollectionName = "CRM"
    let api: MetabaseAPI
    let client: MetabaseClient

    public init(client: MetabaseClient) {
        self.client = client
        api = MetabaseAPI(client: client)
    }

    public func run(_ request: ImportRequest) throws(DashboardError) -> ImportReport {
        var state = try ImportState.load(path: request.statePath, metabaseURL: client.publicURL)
        let dryRun = request.dryRun
        func save() throws(DashboardError) {
            guard !dryRun else { return }
            try state.write(to: request.statePath)
        }
        var changes: [Change] = []

        // Reads first: nothing is created when the tenant has no database to run its cards on.
        let rootItems = try api.items(in: nil, models: ["collection"], step: "listing the root collection")
        var crmID = rootItems.first { $0.model == "collection" && $0.name == Self.rootCollectionName }?.id
        var collectionID: Int?
        if let crmID {
            collectionID = try api.items(
                in: crmID, models: ["collection"], step: "listing collection '\(Self.rootCollectionName)'"
            ).first { $0.model == "collection" && $0.name == request.tenantName }?.id
        }
        let databases = try api.databases(step: "listing Metabase's databases")
        func databaseID(named name: String) -> Int? { databases.first { $0.name == name }?.id }
        var tenantDatabaseID = databaseID(named: request.databaseName)
        var isolated = true
        var databaseName = request.databaseName
        let databaseChange: Change
        if let tenantDatabaseID {
            databaseChange = Change(.unchanged, "database", databaseName, detail: "id \(tenantDatabaseID)")
        } else if let reader = request.reader {
            databaseChange = Change(.create, "database", databaseName, detail: "postgres, as \(reader.user)")
        } else if let shared = request.sharedDatabase {
            guard let id = databaseID(named: shared) else {
                throw .usage("Metabase has no database named '\(shared)' (--shared-database); nothing was changed")
            }
            tenantDatabaseID = id
            isolated = false
            databaseName = shared
            databaseChange = Change(
                .unchanged, "database", shared, detail: "shared: the cards are NOT tenant-isolated")
        } else {
            throw .usage(
                "Metabase has no database '\(request.databaseName)' for tenant \(request.slug): register the tenant's reader connection with --register-database --reader-url postgresql://USER:PASSWORD@HOST/DB, or pass --shared-database NAME (its cards would NOT be tenant-isolated); nothing was changed"
            )
        }
        // Cards that name another database than the tenant's must name one Metabase has.
        for card in request.dashboards.flatMap(\.cards)
        where card.databaseName != DashboardFormat.tenantDatabase && databaseID(named: card.databaseName) == nil {
            throw .usage(
                "card \(card.label): Metabase has no database named '\(card.databaseName)'; nothing was changed")
        }

        // The collection.
        let collectionStep = "collection '\(request.collectionLabel)'"
        if let collectionID {
            changes.append(Change(.unchanged, "collection", request.collectionLabel, detail: "id \(collectionID)"))
        } else {
            changes.append(Change(.create, "collection", request.collectionLabel))
            if !dryRun {
                if crmID == nil {
                    crmID = try createOnce(
                        step: "collection '\(Self.rootCollectionName)'",
                        lookup: { () throws(DashboardError) in
                            try api.items(in: nil, models: ["collection"], step: "listing the root collection")
                                .first { $0.name == Self.rootCollectionName }?.id
                        },
                        create: { () throws(DashboardError) in
                            try api.createCollection(
                                name: Self.rootCollectionName, parent: nil,
                                step: "collection '\(Self.rootCollectionName)'")
                        })
                }
                let parent = crmID
                collectionID = try createOnce(
                    step: collectionStep,
                    lookup: { () throws(DashboardError) in
                        try api.items(in: parent, models: ["collection"], step: collectionStep).first {
                            $0.name == request.tenantName
                        }?.id
                    },
                    create: { () throws(DashboardError) in
                        try api.createCollection(name: request.tenantName, parent: parent, step: collectionStep)
                    })
            }
        }
        if state.collectionID != collectionID, let collectionID {
            state.collectionID = collectionID
            try save()
        }

        // The database.
        changes.append(databaseChange)
        if tenantDatabaseID == nil, let reader = request.reader, !dryRun {
            let step = "database '\(request.databaseName)'"
            tenantDatabaseID = try createOnce(
                step: step,
                lookup: { () throws(DashboardError) in
                    try api.databases(step: step).first { $0.name == request.databaseName }?.id
                },
                create: { () throws(DashboardError) in
                    try api.createDatabase(name: request.databaseName, reader: reader, step: step)
                })
        }
        if let tenantDatabaseID, state.databaseID != tenantDatabaseID {
            state.databaseID = tenantDatabaseID
            try save()
        }

        // What the tenant's collection holds now.
        var listedCards: [String: [Int]] = [:]
        var listedDashboards: [String: [Int]] = [:]
        if let collectionID, initialCollectionExisted(changes) {
            for item in try api.items(
                in: collectionID, models: ["card", "dashboard"], step: "listing \(collectionStep)")
            {
                if item.model == "card" { listedCards[item.name, default: []].append(item.id) }
                if item.model == "dashboard" { listedDashboards[item.name, default: []].append(item.id) }
            }
        }

        // Cards.
        var cardIDs: [String: Int] = [:]
        var placeholder = 0
        for spec in request.dashboards.flatMap(\.cards) {
            let step = "card \(spec.label)"
            let database =
                spec.databaseName == DashboardFormat.tenantDatabase
                ? tenantDatabaseID : databaseID(named: spec.databaseName)
            let payload = Payloads.card(spec, databaseID: database ?? 0, collectionID: collectionID ?? 0)
            let hash = payload.digest
            let listed = listedCards[spec.name] ?? []
            var existing: Int?
            var known: String??  // the hash last sent, when the state file knows this card
            if let record = state.cards[spec.name], listed.contains(record.id) {
                existing = record.id
                known = .some(record.hash)
            } else {
                existing = listed.min()
            }
            var action: Change.Action
            var detail = spec.dashboardName
            switch (existing, known) {
            case (nil, _): action = .create
            case (_?, .some(let sent)): action = sent == hash ? .unchanged : .update
            case (let id?, nil):
                // Found by name only (no state): compare with what Metabase holds.
                if let card = try client.getIfPresent("/api/card/\(id)", step: step) {
                    action = Payloads.cardAsSent(card, like: payload).digest == hash ? .unchanged : .update
                } else {
                    existing = nil
                    action = .create
                }
            }
            if existing == nil, state.cards[spec.name] != nil { detail += "; missing in Metabase, re-created" }
            var id = existing ?? 0
            if !dryRun {
                switch action {
                case .create:
                    let collection = collectionID
                    id = try createOnce(
                        step: step,
                        lookup: { () throws(DashboardError) in
                            try api.items(in: collection, models: ["card"], step: step).first { $0.name == spec.name }?
                                .id
                        },
                        create: { () throws(DashboardError) in
                            try api.id(
                                of: try client.send("POST", "/api/card", body: payload, step: step), step: step)
                        })
                case .update:
                    _ = try client.send("PUT", "/api/card/\(id)", body: payload, step: step)
                default: break
                }
                if state.cards[spec.name] != ImportState.Record(id: id, hash: hash) {
                    state.cards[spec.name] = ImportState.Record(id: id, hash: hash)
                    try save()
                }
            } else if existing == nil {
                placeholder -= 1
                id = placeholder
            }
            cardIDs[spec.name] = id
            changes.append(Change(action, "card", spec.name, detail: detail))
        }

        // Dashboards.
        for spec in request.dashboards {
            let step = "dashboard '\(spec.name)'"
            let layout = Payloads.layout(spec, cardIDs: cardIDs)
            let hash = layout.digest
            let listed = listedDashboards[spec.name] ?? []
            var existing: Int?
            var known: String??
            if let record = state.dashboards[spec.name], listed.contains(record.id) {
                existing = record.id
                known = .some(record.hash)
            } else {
                existing = listed.min()
            }
            var action: Change.Action
            var current: JSONValue?
            switch (existing, known) {
            case (nil, _): action = .create
            case (_?, .some(let sent?)) where sent == hash: action = .unchanged
            case (_?, .some): action = .update
            case (let id?, nil):
                current = try client.getIfPresent("/api/dashboard/\(id)", step: step)
                if let current {
                    action = Payloads.layout(of: current, like: layout).digest == hash ? .unchanged : .update
                } else {
                    existing = nil
                    action = .create
                }
            }
            if !dryRun {
                var id = existing ?? 0
                if action == .create {
                    let collection = collectionID ?? 0
                    id = try createOnce(
                        step: step,
                        lookup: { () throws(DashboardError) in
                            try api.items(in: collection, models: ["dashboard"], step: step).first {
                                $0.name == spec.name
                            }?.id
                        },
                        create: { () throws(DashboardError) in
                            try api.id(
                                of: try client.send(
                                    "POST", "/api/dashboard",
                                    body: Payloads.newDashboard(spec, collectionID: collection), step: step),
                                step: step)
                        })
                    // Recorded before it is laid out: a run stopped here finds it again and lays it out.
                    state.dashboards[spec.name] = ImportState.Record(id: id, hash: nil)
                    try save()
                }
                if action != .unchanged {
                    if action == .update && current == nil {
                        current = try client.getIfPresent("/api/dashboard/\(id)", step: step)
                    }
                    _ = try client.send(
                        "PUT", "/api/dashboard/\(id)", body: Payloads.dashboardUpdate(layout, existing: current),
                        step: step)
                }
                if state.dashboards[spec.name] != ImportState.Record(id: id, hash: hash) {
                    state.dashboards[spec.name] = ImportState.Record(id: id, hash: hash)
                    try save()
                }
            }
            changes.append(Change(action, "dashboard", spec.name, detail: "\(spec.dashcards.count) cards"))
        }
        return ImportReport(plan: Plan(changes, applied: !dryRun), isolated: isolated, databaseName: databaseName)
    }

    /// Whether the tenant's collection was there before this run (its change is not a create).
    private func initialCollectionExisted(_ changes: [Change]) -> Bool {
        changes.first { $0.kind == "collection" }?.action == .unchanged
    }

    /// A POST is not idempotent: after a transient failure it is sent again only when a lookup shows that the
    /// first did not land (else the object it made is used). At most `client.attempts` tries.
    func createOnce(
        step: String, lookup: () throws(DashboardError) -> Int?, create: () throws(DashboardError) -> Int
    ) throws(DashboardError) -> Int {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try create()
            } catch  where error.transient && attempt < client.attempts {
                Thread.sleep(forTimeInterval: client.backoffSeconds * Double(1 << (attempt - 1)))
                if let landed = try lookup() { return landed }
            }
        }
    }
}
