/// What `--select` picks: a glob over target paths (`templates/email/*`, `*.mjml`), or by the catalog's metadata
/// (`channel:email`, `vertical:wedding`, `id:lead_welcome`).
public enum Selector: Sendable, Equatable {
    case glob(String)
    case channel(String)
    case vertical(String)
    case id(String)

    public init(_ text: String) throws(TemplateClonerError) {
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("*") {
            let value = String(text[text.index(after: colon)...])
            guard !value.isEmpty else { throw .invalidSelector(text, reason: "nothing after the ':'") }
            switch text[..<colon] {
            case "channel": self = .channel(value)
            case "vertical": self = .vertical(value)
            case "id": self = .id(value)
            default:
                throw .invalidSelector(
                    text,
                    reason: "unknown selector kind '\(text[..<colon])' (known: channel:, vertical:, id:, or a glob)")
            }
            return
        }
        guard !text.isEmpty else { throw .invalidSelector(text, reason: "an empty pattern") }
        self = .glob(text)
    }

    /// Whether this selector picks the file at `path`, described by `metadata` when the catalog has it.
    public func matches(path: String, metadata: TemplateMetadata?) -> Bool {
        switch self {
        case .glob(let pattern):
            if pattern.contains("/") { return Glob.matches(pattern, path) }
            return Glob.matches(pattern, String(path.split(separator: "/").last ?? ""))
        case .channel(let channel): return metadata?.channel == channel
        case .vertical(let vertical): return metadata?.verticals.contains(vertical) == true
        case .id(let id): return metadata?.id == id
        }
    }
}

/// `*` any run within one path part, `**` any run across parts, `?` one character.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        matches(Array(pattern), 0, Array(text), 0)
    }

    private static func matches(_ pattern: [Character], _ p: Int, _ text: [Character], _ t: Int) -> Bool {
        var p = p
        var t = t
        while p < pattern.count {
            switch pattern[p] {
            case "*":
                let crossesFolders = p + 1 < pattern.count && pattern[p + 1] == "*"
                let next = p + (crossesFolders ? 2 : 1)
                if crossesFolders, next < pattern.count, pattern[next] == "/" {
                    // `**/` also matches no folder at all.
                    if matches(pattern, next + 1, text, t) { return true }
                }
                var end = t
                while true {
                    if matches(pattern, next, text, end) { return true }
                    guard end < text.count, crossesFolders || text[end] != "/" else { return false }
                    end += 1
                }
            case "?":
                guard t < text.count, text[t] != "/" else { return false }
            default:
                guard t < text.count, text[t] == pattern[p] else { return false }
            }
            p += 1
            t += 1
        }
        return t == text.count
    }
}
