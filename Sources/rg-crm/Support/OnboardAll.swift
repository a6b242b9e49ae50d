import Foundation
import ProvisionKit
import RGCore

/// `tenant onboard --all --jobs N`: N workers take tenants in slug order; each tenant's failure is recorded and
/// the others go on.
enum OnboardAll {
    typealias Result = (slug: String, report: ProvisionReport?, error: String?)

    static func run(_ slugs: [Slug], settings: ProvisionSettings, jobs: Int, showProgress: Bool) -> [Result] {
        let results = Results(count: slugs.count)
        DispatchQueue.concurrentPerform(iterations: min(jobs, slugs.count)) { _ in
            while let index = results.next() {
                let slug = slugs[index]
                let start = Date()
                var result: Result = (slug.rawValue, nil, nil)
                do {
                    let report = try Provisioner(settings: settings, slug: slug).apply { event in
                        if showProgress, case .finished = event,
                            let line = ProvisionRendering.progress(slug.rawValue, event, since: start)
                        {
                            Terminal.note(line)
                        }
                    }
                    result.report = report
                    result.error = report.failure?.description
                } catch {
                    result.error = (error as? any RGError)?.description ?? String(describing: error)
                }
                if let error = result.error { Terminal.note("rg-crm: error: \(slug): \(error)") }
                results.set(index, result)
            }
        }
        return results.all
    }

    /// The shared work list and results, behind one lock.
    private final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0
        private var stored: [Result?]

        init(count: Int) { stored = Array(repeating: nil, count: count) }

        func next() -> Int? {
            lock.withLock {
                guard nextIndex < stored.count else { return nil }
                defer { nextIndex += 1 }
                return nextIndex
            }
        }

        func set(_ index: Int, _ result: Result) { lock.withLock { stored[index] = result } }
        var all: [Result] { lock.withLock { stored.compactMap { $0 } } }
    }
}
