import Foundation
import RGCore
import TemplateCloner

/// One template of a tenant's library, as a reader sees it: channel, id, the subject (e-mail) or first line, and a
/// short preview of its text with every link taken out, so the report links to nothing.
public struct TemplateDigest: Sendable, Equatable {
    public var channel: String
    public var id: String
    public var headline: String
    public var preview: String
    /// The file read, relative to the library.
    public var file: String?

    public init(channel: String, id: String, headline: String, preview: String, file: String?) {
        self.channel = channel
        self.id = id
        self.headline = headline
        self.preview = preview
        self.file = file
    }

    /// Characters of preview kept.
    public static let previewLength = 240

    /// Every template the library's catalog lists, in catalog order. A template whose file is missing or unreadable
    /// is listed with that said, never left out.
    public static func library(at directory: String) throws(TemplateClonerError) -> [TemplateDigest] {
        let catalogPath = (directory as NSString).appendingPathComponent(TemplateCatalog.fileName)
        let bytes: [UInt8]
        do {
            bytes = try BoundedFile.read(catalogPath, limit: 1 << 20)
        } catch {
            guard FileManager.default.fileExists(atPath: directory) else {
                throw .notFound(path: directory, hint: "run rg-crm templates clone first")
            }
            throw .io(path: catalogPath, reason: error.reason)
        }
        let catalog = try TemplateCatalog.parse(bytes, folder: "", file: catalogPath)
        return catalog.templates.map { digest($0, in: directory) }
    }

    static func digest(_ template: TemplateMetadata, in directory: String) -> TemplateDigest {
        // The catalog names files by channel and id: only plain names, so an entry can never reach outside the
        // library (`../../x`), and only the channels a library has.
        guard TemplateCatalog.channels.contains(template.channel), isPlainName(template.id) else {
            return TemplateDigest(
                channel: previewText(template.channel), id: previewText(template.id),
                headline: "(refused: the catalog entry is not a plain channel and id)", preview: "", file: nil)
        }
        let candidates = ["md", "txt", "json", "mjml", "html"].map { "\(template.channel)/\(template.id).\($0)" }
        for relative in candidates {
            let path = (directory as NSString).appendingPathComponent(relative)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let bytes = try? BoundedFile.read(path, limit: 1 << 20, followLinks: false) else {
                return TemplateDigest(
                    channel: template.channel, id: template.id, headline: "(unreadable)", preview: "", file: relative)
            }
            let (headline, body) = text(of: String(decoding: bytes, as: UTF8.self), file: relative)
            return TemplateDigest(
                channel: template.channel, id: template.id, headline: headline, preview: previewText(body),
                file: relative)
        }
        return TemplateDigest(channel: template.channel, id: template.id, headline: "(no file)", preview: "", file: nil)
    }

    /// The headline and body text of a template file, by its kind.
    static func text(of content: String, file: String) -> (headline: String, body: String) {
        let content = content.replacingOccurrences(of: "\r\n", with: "\n")
        if file.hasSuffix(".md") {
            var body = content
            var subject: String?
            if content.hasPrefix("---\n"),
                let end = content.range(
                    of: "\n---\n", range: content.index(content.startIndex, offsetBy: 4)..<content.endIndex)
            {
                let header = content[content.index(content.startIndex, offsetBy: 4)..<end.lowerBound]
                for line in header.split(separator: "\n") where line.hasPrefix("subject:") {
                    subject = unquoted(line.dropFirst("subject:".count))
                }
                body = String(content[end.upperBound...])
            }
            return (subject.map(previewText) ?? firstLine(body), body)
        }
        if file.hasSuffix(".json"), let root = try? JSONParser.parse(content) {
            var texts: [String] = []
            collectTexts(root, into: &texts)
            return (previewText(texts.first ?? ""), texts.dropFirst().joined(separator: "\n"))
        }
        if file.hasSuffix(".mjml") || file.hasSuffix(".html") {
            let stripped = content.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
            return (firstLine(stripped), stripped)
        }
        let lines = content.split(whereSeparator: \.isNewline)
        return (firstLine(content), lines.dropFirst().joined(separator: "\n"))
    }

    /// WhatsApp components' and Teams cards' `text` values, in document order.
    static func collectTexts(_ node: JSONNode, into texts: inout [String]) {
        if let members = node.members {
            for member in members {
                if member.key == "text", let text = member.value.string, !text.isEmpty { texts.append(text) }
                collectTexts(member.value, into: &texts)
            }
        } else if let elements = node.elements {
            for element in elements { collectTexts(element, into: &texts) }
        }
    }

    /// Text without links: markdown images go, markdown links keep their text, bare URLs become `[link]`; then
    /// markdown marks and runs of blanks are tidied and the result cut at `previewLength`.
    static func previewText(_ text: String) -> String {
        var text = text
        text = text.replacingOccurrences(of: "!\\[[^\\]]*\\]\\([^)]*\\)", with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "\\[([^\\]]*)\\]\\([^)]*\\)", with: "$1", options: .regularExpression)
        text = text.replacingOccurrences(
            of: "(?i)\\b(?:https?|ftp|mailto|tel|data|javascript):\\S*", with: "[link]", options: .regularExpression)
        text = text.replacingOccurrences(of: "(?i)\\bwww\\.\\S+", with: "[link]", options: .regularExpression)
        text = text.replacingOccurrences(of: "(?m)^#+\\s*", with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "\\*\\*|__", with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
        text = text.trimmingCharacters(in: .whitespaces)
        guard text.count > previewLength else { return text }
        return String(text.prefix(previewLength)).trimmingCharacters(in: .whitespaces) + "…"
    }

    /// Letters, digits, `_` and `-`: a template id as the catalog and the clone use it.
    static func isPlainName(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2D
            }
    }

    static func firstLine(_ text: String) -> String {
        let line =
            text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .first { !$0.isEmpty } ?? ""
        return previewText(line)
    }

    static func unquoted(_ value: Substring) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }
}
