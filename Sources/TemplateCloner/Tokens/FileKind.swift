/// How a file's values must be escaped, judged by its extension.
public enum FileKind: Sendable, Equatable {
    /// `.html`, `.htm`, `.mjml`, `.xml`, `.svg`: HTML-escaped.
    case markup
    /// `.json`: JSON-escaped inside a string, a quoted JSON string outside one.
    case json
    /// `.yaml`, `.yml`: escaped for the quoting style the token stands in.
    case yaml
    /// `.md`, `.markdown`: raw, except in a leading YAML front matter block.
    case markdown
    /// `.txt` and every other text file: raw.
    case raw

    public init(path: String) {
        // By bytes (once per file of a clone, so cheaply): the part after the last `/`, then after its last `.`.
        let name = path.utf8.split(separator: UInt8(ascii: "/")).last ?? path.utf8[...]
        let parts = name.split(separator: UInt8(ascii: "."))
        let fileExtension = parts.count > 1 ? String(Substring(parts.last!)).lowercased() : ""
        switch fileExtension {
        case "html", "htm", "mjml", "xml", "svg", "xhtml": self = .markup
        case "json": self = .json
        case "yaml", "yml": self = .yaml
        case "md", "markdown": self = .markdown
        default: self = .raw
        }
    }
}
