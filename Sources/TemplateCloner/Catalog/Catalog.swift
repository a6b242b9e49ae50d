import RGCore

/// A template's metadata, from the library's `catalog.json`.
public struct TemplateMetadata: Sendable, Equatable {
    public var id: String
    public var channel: String
    public var verticals: [String]
    public var locale: String

    public init(id: String, channel: String, verticals: [String], locale: String) {
        self.id = id
        self.channel = channel
        self.verticals = verticals
        self.locale = locale
    }
}

/// `catalog.json` beside the channel folders: `{"templates": [{"id", "channel", "verticals", "locale"}]}`.
/// The template `id` of channel `CH` is every file `CH/ID.<ext>` next to the catalog.
public struct TemplateCatalog: Sendable, Equatable {
    public static let fileName = "catalog.json"
    public static let channels = ["email", "sms", "whatsapp", "teams"]

    /// The catalog's folder inside the bundle ("" for the root).
    public var folder: String
    public var templates: [TemplateMetadata]

    public init(folder: String, templates: [TemplateMetadata]) {
        self.folder = folder
        self.templates = templates
    }

    public static func parse(_ bytes: [UInt8], folder: String, file: String) throws(TemplateClonerError)
        -> TemplateCatalog
    {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw .render([
                Diagnostic(
                    file: file, line: error.position.line, column: error.position.column, severity: .error,
                    rule: "catalog", message: "invalid JSON: \(error.message)")
            ])
        }
        var templates: [TemplateMetadata] = []
        var problems: [Diagnostic] = []
        for node in root["templates"]?.elements ?? [] {
            guard let id = node["id"]?.string, let channel = node["channel"]?.string else {
                problems.append(
                    Diagnostic(
                        file: file, line: node.position.line, column: node.position.column, severity: .error,
                        rule: "catalog", message: "a catalog entry needs \"id\" and \"channel\""))
                continue
            }
            let verticals = (node["verticals"]?.elements ?? []).compactMap(\.string)
            templates.append(
                TemplateMetadata(
                    id: id, channel: channel, verticals: verticals, locale: node["locale"]?.string ?? "nl-NL"))
        }
        if root["templates"]?.elements == nil {
            problems.append(
                Diagnostic(
                    file: file, line: root.position.line, column: root.position.column, severity: .error,
                    rule: "catalog", message: "expected {\"templates\": [...]}"))
        }
        guard problems.isEmpty else { throw .render(problems) }
        return TemplateCatalog(folder: folder, templates: templates)
    }

    /// The metadata of the template a bundle path belongs to (`<folder>/CH/ID.ext`), if the catalog lists it.
    public func metadata(forPath path: String) -> TemplateMetadata? {
        let relative: Substring
        if folder.isEmpty {
            relative = Substring(path)
        } else {
            guard path.hasPrefix(folder + "/") else { return nil }
            relative = path.dropFirst(folder.count + 1)
        }
        let parts = relative.split(separator: "/")
        guard parts.count == 2 else { return nil }
        let stem = parts[1].split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
        return templates.first { $0.channel == parts[0] && $0.id == stem }
    }
}
