import Foundation
import RGCore

/// Writes a report file only when its bytes change (staged, then renamed), so a second run with the same inputs
/// leaves the file — and its modification time — as they were.
public enum ReportWriter {
    public enum Outcome: Sendable, Equatable { case written, unchanged }

    /// The default place of a tenant's report: `.rg-crm/reports/<slug>-onboarding.html`.
    public static func defaultPath(slug: String) -> String { ".rg-crm/reports/\(slug)-onboarding.html" }

    public static func write(_ html: String, to path: String) throws(FileError) -> Outcome {
        let bytes = Array(html.utf8)
        if let existing = try? BoundedFile.read(path, limit: bytes.count + 1), existing == bytes { return .unchanged }
        try AtomicFile.write(bytes, to: path)  // makes the folder too
        return .written
    }
}
