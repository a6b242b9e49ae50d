import Foundation
import RGCore

/// The automatable half of the template review: brand colours, unresolved tokens, MJML structure, call to action,
/// https links. Works on cloned templates (or any folder of them) against one tenant's palette.
public enum TemplateChecker {
    /// What each rule checks: `TemplateRules.all`, whose examples are the rules' tests.
    public static var rules: [RuleDescription] { TemplateRules.all.map(\.description) }

    /// The largest text file checked. A larger one is an error, never a silent pass, unless it is plainly binary.
    public static let maximumFileSize = 8 << 20
    /// Findings kept per file; past it, one closing note says how many more there were.
    public static let maximumFindingsPerFile = 1000

    /// Checks every text file under `directory`; diagnostics name files as `directory/relative`. Throws, naming the
    /// file, for anything it cannot check: a FIFO, device, socket or link, an unreadable file, a text file over
    /// `maximumFileSize`.
    public static func check(directory: String, palette: Set<String>) throws -> [Diagnostic] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw TemplateClonerError.notFound(
                path: directory, hint: "clone the templates first, or name the folder with --path")
        }
        var relatives: [String] = []
        try walk(directory, relative: "", into: &relatives)
        var diagnostics: [Diagnostic] = []
        // Files in name order, each file's findings in position order (its closing note last).
        for relative in relatives.sorted() {
            let path = directory + "/" + relative
            guard let bytes = try readText(path, relative: relative) else { continue }
            diagnostics += check(bytes, file: path, palette: palette)
        }
        return diagnostics
    }

    /// Adds the files under `directory/relative`, skipping the clone's manifest and staging folders.
    private static func walk(_ directory: String, relative: String, into relatives: inout [String]) throws {
        let folder = relative.isEmpty ? directory : directory + "/" + relative
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw TemplateClonerError.uncheckable(
                path: folder, reason: "folder cannot be read: \(error.localizedDescription)")
        }
        for name in names {
            if name == CloneManifest.fileName || name.hasPrefix(".") && name.contains("rg-crm-staging") { continue }
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(directory + "/" + path, &info) == 0 else {
                throw TemplateClonerError.uncheckable(
                    path: directory + "/" + path, reason: "cannot be read: \(String(cString: strerror(errno)))")
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: try walk(directory, relative: path, into: &relatives)
            default: relatives.append(path)
            }
        }
    }

    /// The file's text, or nil for a binary file. Anything that is not a regular file (a link too: a clone never
    /// writes one) and a text file too large to check are errors.
    static func readText(_ path: String, relative: String) throws -> [UInt8]? {
        let file: RegularFile
        do { file = try RegularFile(path, followLinks: false) } catch {
            throw TemplateClonerError.uncheckable(path: path, reason: error.reason)
        }
        if file.size > maximumFileSize {
            let head = try? file.read(at: 0, count: ContentSniffer.sniffLength)
            if let head, ContentSniffer.looksBinary(prefix: head, path: relative),
                textTemplateExtension(relative) == nil
            {
                return nil
            }
            throw TemplateClonerError.uncheckable(
                path: path,
                reason:
                    "a text file of \(BundleLimits.size(UInt64(file.size))), over the \(BundleLimits.size(UInt64(maximumFileSize))) a template may have to be checked"
            )
        }
        let bytes: [UInt8]
        do { bytes = try BoundedFile.read(path, limit: maximumFileSize, followLinks: false) } catch {
            throw TemplateClonerError.uncheckable(path: path, reason: error.reason)
        }
        if !ContentSniffer.looksBinary(prefix: bytes, path: relative), !bytes.contains(0), ContentSniffer.isUTF8(bytes)
        {
            return bytes
        }
        // A template by its name (markup, JSON, YAML, Markdown, plain text) whose bytes are not text cannot be
        // checked: an error, never a silent pass. Other files are assets (images, fonts), copied and not checked.
        if let kind = textTemplateExtension(relative) {
            let reason =
                bytes.firstIndex(of: 0).map { "a NUL byte at offset \($0)" }
                ?? (ContentSniffer.isUTF8(bytes)
                    ? "the signature of a binary file at its start" : "bytes that are not UTF-8")
            throw TemplateClonerError.uncheckable(
                path: path, reason: "a .\(kind) template with \(reason) cannot be checked; save it as UTF-8 text")
        }
        return nil
    }

    /// The extension of a file that is a template by its name, or nil.
    static func textTemplateExtension(_ relative: String) -> String? {
        guard let fileExtension = ContentSniffer.fileExtension(relative) else { return nil }
        let templates: Set<String> = [
            "html", "htm", "mjml", "xml", "svg", "xhtml", "json", "yaml", "yml", "md", "markdown", "txt",
        ]
        return templates.contains(fileExtension) ? fileExtension : nil
    }

    /// Checks one file's text; the file's name decides which rules apply. At most `limit` findings, the first by
    /// position, then one note with how many more there were. Time is linear in the text: each scanner passes
    /// once, and positions are placed through one line index (lines end at LF, CRLF or CR).
    public static func check(
        _ bytes: [UInt8], file: String, palette: Set<String>, limit: Int = maximumFindingsPerFile
    ) -> [Diagnostic] {
        var found: [(offset: Int, rule: String, message: String)] = []
        func report(_ offset: Int, _ rule: String, _ message: String) { found.append((offset, rule, message)) }
        let allowed = palette.sorted().joined(separator: ", ")
        for (offset, colour) in Scan.hexColours(bytes) {
            if let normalized = HexColor.normalized(colour), !palette.contains(normalized) {
                report(offset, "off-palette-colour", "colour \(colour) is not in the tenant's palette (\(allowed))")
            }
        }
        for (offset, name) in Scan.tokens(bytes) {
            report(
                offset, "unresolved-token", "token '{{\(name)}}' was not replaced (clone with rg-crm templates clone)")
        }
        for (offset, url) in Scan.links(bytes) where url.lowercased().hasPrefix("http://") {
            report(offset, "insecure-link", "link \(url) is not https")
        }
        let lowerName = (file as NSString).lastPathComponent.lowercased()
        let isMJML = lowerName.hasSuffix(".mjml")
        if isMJML {
            for problem in MJMLScanner.problems(bytes) { report(problem.offset, problem.rule, problem.message) }
        }
        let inEmailFolder = file.split(separator: "/").dropLast().contains("email")
        let isEmail =
            isMJML
            || ((lowerName.hasSuffix(".html") || lowerName.hasSuffix(".htm") || lowerName.hasSuffix(".md"))
                && (inEmailFolder || lowerName.contains("email")))
        if isEmail && !Scan.hasCallToAction(bytes, markdown: lowerName.hasSuffix(".md")) {
            report(
                0, "missing-cta",
                "e-mail without a call-to-action link (an https <mj-button href>, <a href> or [text](https://…))")
        }
        found.sort { ($0.offset, $0.rule, $0.message) < ($1.offset, $1.rule, $1.message) }
        guard !found.isEmpty else { return [] }
        let lines = LineIndex(bytes, breaks: .lfCRLFCR)
        var diagnostics = found.prefix(limit).map { finding in
            let position = lines.position(ofByte: finding.offset)
            return Diagnostic(
                file: file, line: position.line, column: position.column, severity: .error, rule: finding.rule,
                message: finding.message)
        }
        diagnostics.sort(by: Diagnostic.ordered)
        if found.count > limit {
            diagnostics.append(
                Diagnostic.limitNote(after: diagnostics, file: file, dropped: found.count - limit, limit: limit))
        }
        return diagnostics
    }
}

/// The patterns the checker looks for, each returning byte offsets.
enum Scan {
    static func isHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    static func isWord(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
    }

    /// `#rgb` and `#rrggbb` not inside a word, an HTML character reference (`&#123;`) or a URL fragment.
    static func hexColours(_ bytes: [UInt8]) -> [(Int, String)] {
        var found: [(Int, String)] = []
        var index = 0
        while index < bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: "#") else { continue }
            if index > 0 {
                let before = bytes[index - 1]
                if isWord(before) || before == UInt8(ascii: "&") || before == UInt8(ascii: "/")
                    || before == UInt8(ascii: "#")
                {
                    continue
                }
            }
            var end = index + 1
            while end < bytes.count, isHex(bytes[end]) { end += 1 }
            let length = end - index - 1
            guard length == 3 || length == 6 else { continue }
            if end < bytes.count, isWord(bytes[end]) { continue }
            found.append((index, String(decoding: bytes[index..<end], as: UTF8.self)))
            index = end - 1
        }
        return found
    }

    /// Our tokens still present (with or without spaces).
    static func tokens(_ bytes: [UInt8]) -> [(Int, String)] {
        var found: [(Int, String)] = []
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "{"),
                let token = Token.parse(bytes, at: index)
            {
                found.append((index, token.name))
                index = token.end ?? index + 2
            } else {
                index += 1
            }
        }
        return found
    }

    /// `href="…"`, `src="…"` (either quote) and Markdown `](…)` targets, with the offset of the URL.
    static func links(_ bytes: [UInt8]) -> [(Int, String)] {
        var found: [(Int, String)] = []
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            func matches(_ text: StaticString, at offset: Int) -> Bool {
                let length = text.utf8CodeUnitCount
                guard offset + length <= count else { return false }
                let pattern = text.utf8Start
                for index in 0..<length where buffer[offset + index] != pattern[index] { return false }
                return true
            }
            var index = 0
            while index < count {
                let byte = buffer[index]
                var urlStart = -1
                var close = UInt8(ascii: "\"")
                if byte == UInt8(ascii: "h"), matches("href=", at: index), index + 5 < count,
                    index == 0 || !isWord(buffer[index - 1])
                {
                    urlStart = index + 6
                    close = buffer[index + 5]
                } else if byte == UInt8(ascii: "s"), matches("src=", at: index), index + 4 < count,
                    index == 0 || !isWord(buffer[index - 1])
                {
                    urlStart = index + 5
                    close = buffer[index + 4]
                } else if byte == UInt8(ascii: "]"), index + 1 < count, buffer[index + 1] == UInt8(ascii: "(") {
                    urlStart = index + 2
                    close = UInt8(ascii: ")")
                }
                guard urlStart >= 0,
                    close == UInt8(ascii: "\"") || close == UInt8(ascii: "'") || close == UInt8(ascii: ")")
                else {
                    index += 1
                    continue
                }
                var end = urlStart
                while end < count, buffer[end] != close, buffer[end] != UInt8(ascii: "\n"),
                    buffer[end] != UInt8(ascii: " ")
                { end += 1 }
                found.append(
                    (urlStart, String(decoding: UnsafeBufferPointer(rebasing: buffer[urlStart..<end]), as: UTF8.self)))
                index = max(end, index + 1)
            }
        }
        return found
    }

    /// An https link a reader can act on: `<mj-button href>`, `<a href>` or a Markdown link.
    static func hasCallToAction(_ bytes: [UInt8], markdown: Bool) -> Bool {
        // The last `[` before each link, found going forward once (links come in order), not by a search back
        // from every link.
        var lastBracket = -1
        var scanned = 0
        return links(bytes).contains { offset, url in
            guard url.lowercased().hasPrefix("https://") else { return false }
            if markdown {
                guard offset >= 2 && bytes[offset - 2] == UInt8(ascii: "]") else { return false }
                while scanned <= offset - 3 {
                    if bytes[scanned] == UInt8(ascii: "[") { lastBracket = scanned }
                    scanned += 1
                }
                // `![alt](url)` is an image, not a link.
                let isImage = lastBracket > 0 && bytes[lastBracket - 1] == UInt8(ascii: "!")
                return !isImage
            }
            // Only anchors and buttons act; `src` of an image does not.
            let before = String(decoding: bytes[max(0, offset - 200)..<offset], as: UTF8.self)
            guard let tagStart = before.lastIndex(of: "<") else { return false }
            let tag = before[tagStart...].lowercased()
            return tag.hasPrefix("<a ") || tag.hasPrefix("<a\n") || tag.hasPrefix("<mj-button")
        }
    }
}
