import Foundation
import RGCore

/// The tenant rollout QA checklist (`docs/qa/tenant_rollout.md`) as data: every point, in Dutch and English, either
/// covered by smoke check ids or checked by hand and signed off by someone. Table rows of the form
/// `| 2.1 | Nederlands | English | `db.tenant`, `db.roles` |` or `| 5.5 | … | … | manual: security officer |`.
public struct RolloutChecklist: Sendable, Equatable {
    public enum Coverage: Sendable, Equatable {
        case checks([String])
        case manual(signOff: String)
    }

    public struct Point: Sendable, Equatable {
        /// `2.1`: section and place in it.
        public var id: String
        public var dutch: String
        public var english: String
        public var coverage: Coverage
        public var line: Int
    }

    public static let defaultPath = "docs/qa/tenant_rollout.md"

    public var points: [Point]
    /// Section headings (`## …`) in order.
    public var sections: [String]

    public static func load(_ path: String) throws -> RolloutChecklist {
        let bytes: [UInt8]
        do { bytes = try BoundedFile.read(path, limit: 1 << 20) } catch {
            throw SmokeError("cannot read the QA checklist \(path): \(error.description)")
        }
        return try parse(String(decoding: bytes, as: UTF8.self), file: path)
    }

    public static func parse(_ text: String, file: String) throws(SmokeError) -> RolloutChecklist {
        var points: [Point] = []
        var sections: [String] = []
        var seen: Set<String> = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            let number = index + 1
            if line.hasPrefix("## ") { sections.append(String(line.dropFirst(3))) }
            guard line.hasPrefix("|") else { continue }
            let cells = line.dropFirst().split(separator: "|", omittingEmptySubsequences: false).dropLast().map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard let first = cells.first, isPointID(first) else { continue }
            func refuse(_ why: String) -> SmokeError { SmokeError("\(file):\(number):1: \(why)") }
            guard cells.count == 4 else {
                throw refuse("point \(first) needs 4 cells (id | Nederlands | English | checks or manual: who)")
            }
            guard seen.insert(first).inserted else { throw refuse("point \(first) is listed twice") }
            guard !cells[1].isEmpty, !cells[2].isEmpty else {
                throw refuse("point \(first) needs a Dutch and an English title")
            }
            let coverage: Coverage
            if cells[3].lowercased().hasPrefix("manual:") {
                let who = cells[3].dropFirst("manual:".count).trimmingCharacters(in: .whitespaces)
                guard !who.isEmpty else { throw refuse("point \(first) is manual but names no one to sign it off") }
                coverage = .manual(signOff: who)
            } else {
                let ids = cells[3].split(separator: "`", omittingEmptySubsequences: false).enumerated()
                    .filter { $0.offset % 2 == 1 }.map { String($0.element) }
                guard !ids.isEmpty else {
                    throw refuse("point \(first) names no check id (`db.tenant`) and is not manual")
                }
                coverage = .checks(ids)
            }
            points.append(Point(id: first, dutch: cells[1], english: cells[2], coverage: coverage, line: number))
        }
        return RolloutChecklist(points: points, sections: sections)
    }

    private static func isPointID(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    /// Ids the checklist maps that no check has.
    public func unknownIDs(known: some Sequence<String>) -> [String] {
        let known = Set(known)
        return points.flatMap { point -> [String] in
            guard case .checks(let ids) = point.coverage else { return [] }
            return ids.filter { !known.contains($0) }
        }
    }

    /// The points checked by hand, as the report's to-do list: "English title (Nederlandse titel)".
    public var manualItems: [CheckReportContext.ManualItem] {
        points.compactMap { point in
            guard case .manual(let who) = point.coverage else { return nil }
            return CheckReportContext.ManualItem(
                id: point.id, title: "\(point.english) / \(point.dutch)", signOff: who)
        }
    }
}
