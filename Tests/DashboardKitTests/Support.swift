import DashboardKit
import Foundation
import RGCore
import TestSupport

/// An import of the repository's dashboards into a fake Metabase, with its state in a temporary folder.
struct ImportHarness {
    let fake: FakeMetabase
    let stateDirectory: String
    let slug: Slug
    var from = TestPaths.repository("ops/metabase/dashboards/crm")

    init(slug: String = "mrdj", tenantDatabase: Bool = true) throws {
        fake = try FakeMetabase()
        stateDirectory = try TestPaths.temporaryDirectory("dash-state")
        self.slug = try Slug(slug)
        if tenantDatabase { _ = fake.addDatabase(name: "rentguy-crm-\(slug)") }
    }

    var statePath: String { ImportState.path(directory: stateDirectory, slug: slug) }

    func client(timeout: Int = 10, backoff: Double = 0.01) throws -> MetabaseClient {
        try MetabaseClient(
            baseURL: fake.baseURL, credentials: .apiKey(fake.apiKey), timeoutSeconds: timeout,
            backoffSeconds: backoff)
    }

    func request(dryRun: Bool = false, from folder: String? = nil, shared: String? = nil) throws -> ImportRequest {
        ImportRequest(
            slug: slug, tenantName: "Mr. DJ", dashboards: try DashboardFormat.load(directory: folder ?? from),
            sharedDatabase: shared, statePath: statePath, dryRun: dryRun)
    }

    @discardableResult
    func run(dryRun: Bool = false, from folder: String? = nil, client: MetabaseClient? = nil) throws -> ImportReport {
        try DashboardImporter(client: try client ?? self.client()).run(try request(dryRun: dryRun, from: folder))
    }

    /// A copy of the repository's dashboards folder, to edit.
    func copyOfDashboards() throws -> String {
        let folder = try TestPaths.temporaryDirectory("dash-files")
        for name in try FileManager.default.contentsOfDirectory(atPath: from) {
            try FileManager.default.copyItem(atPath: from + "/" + name, toPath: folder + "/" + name)
        }
        return folder
    }
}

extension Plan {
    func actions(_ kind: String) -> [Change.Action] { changes.filter { $0.kind == kind }.map(\.action) }
}

/// Every card of the repository's dashboards.
let repositoryCards: [CardSpec] = {
    (try? DashboardFormat.load(directory: TestPaths.repository("ops/metabase/dashboards/crm")))?.flatMap(\.cards) ?? []
}()
