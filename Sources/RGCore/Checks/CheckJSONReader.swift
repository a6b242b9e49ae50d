/// Reads back what `CheckJSONFormatter` writes (`rg-crm smoke --format json --output FILE`): the results and the
/// manual checklist points, for a report made later from a saved run.
public enum CheckJSONReader {
    public struct Report: Sendable {
        public var name: String
        public var results: [CheckResult]
        public var manual: [CheckReportContext.ManualItem]
    }

    /// The report in `bytes`; a file that is not such a report is a `ConfigIssue`-like one-line error naming the
    /// JSON path, with line and column.
    public static func read(_ bytes: [UInt8], file: String) throws(JSONReportError) -> Report {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw JSONReportError(file: file, position: error.position, path: "$", message: error.message)
        }
        func problem(_ node: JSONNode, _ path: String, _ message: String) -> JSONReportError {
            JSONReportError(file: file, position: node.position, path: path, message: message)
        }
        guard let elements = root["results"]?.elements else {
            throw problem(root, "$.results", "expected a list of check results (rg-crm smoke --format json)")
        }
        var results: [CheckResult] = []
        for (index, node) in elements.enumerated() {
            let path = "$.results[\(index)]"
            guard let id = node["id"]?.string, let group = node["group"]?.string,
                let statusText = node["status"]?.string
            else { throw problem(node, path, "a result needs \"id\", \"group\" and \"status\"") }
            guard let status = CheckStatus(rawValue: statusText) else {
                throw problem(node, path + ".status", "unknown status '\(statusText)'")
            }
            let milliseconds = node["duration_ms"]?.number ?? 0
            results.append(
                CheckResult(
                    id: id, group: group, title: node["title"]?.string ?? "", status: status,
                    duration: .milliseconds(Int64(max(0, milliseconds))), message: node["message"]?.string,
                    remediation: node["remediation"]?.string))
        }
        let manual = (root["manual"]?.elements ?? []).compactMap { node -> CheckReportContext.ManualItem? in
            guard let id = node["id"]?.string, let title = node["title"]?.string else { return nil }
            return CheckReportContext.ManualItem(id: id, title: title, signOff: node["sign_off"]?.string ?? "")
        }
        return Report(name: root["name"]?.string ?? "", results: results, manual: manual)
    }
}

/// A saved check report that cannot be used: the file, the JSON path and the place.
public struct JSONReportError: RGError, Sendable {
    public var file: String
    public var position: SourcePosition
    public var path: String
    public var message: String
    public var category: ExitCategory { .usage }
    public var description: String {
        "\(file):\(position.line):\(position.column): \(path): \(TerminalText.oneLine(message))"
    }
}
