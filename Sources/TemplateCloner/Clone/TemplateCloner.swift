import Crypto
import Foundation
import RGCore

/// Options of one clone.
public struct CloneOptions: Sendable {
    /// The folder the templates land in.
    public var target: String
    /// Union of selectors; empty clones everything.
    public var selectors: [Selector]
    public var dryRun: Bool
    /// Overwrite files edited by hand since the last clone.
    public var force: Bool
    public var limits: BundleLimits
    /// Text files larger than this are copied verbatim instead of rendered (memory stays bounded per file).
    public var renderLimit: Int

    public init(
        target: String, selectors: [Selector] = [], dryRun: Bool = false, force: Bool = false,
        limits: BundleLimits = .standard, renderLimit: Int = 8 << 20
    ) {
        self.target = target
        self.selectors = selectors
        self.dryRun = dryRun
        self.force = force
        self.limits = limits
        self.renderLimit = renderLimit
    }
}

/// Clones a bundle into a target: renders every text file into a staging folder beside the target, and moves the
/// changed files into place only when every file rendered. Files edited by hand since the last clone are kept.
public enum TemplateCloner {
    public static func clone(
        _ bundle: any TemplateBundle, values: TokenValues, tenant: String, options: CloneOptions
    ) throws -> CloneReport {
        let target = options.target
        let targetExists = try checkTarget(target)
        let manifestPath = target + "/" + CloneManifest.fileName
        let manifestBytes = targetExists ? try readManifest(manifestPath) : nil
        let previous = manifestBytes.flatMap(CloneManifest.parse)
        if !options.dryRun { Staging.removeStale(besides: target) }

        let catalogs = try loadCatalogs(bundle)
        let selected = bundle.entries.filter { entry in
            options.selectors.isEmpty
                || options.selectors.contains { $0.matches(path: entry.path, metadata: metadata(entry.path, catalogs)) }
        }

        var staging = Staging(target: target, enabled: !options.dryRun)
        defer { staging.discard() }

        var files: [CloneReport.File] = []
        var problems: [Diagnostic] = []
        var written: [String: String] = [:]
        var sourceListing = SHA256()
        var totalBytes: UInt64 = 0
        for entry in selected {
            let produced = try produce(entry, from: bundle, values: values, options: options, totalBytes: &totalBytes)
            sourceListing.update(data: Array("\(entry.path)\u{0}\(produced.sourceDigest)\n".utf8))
            if !produced.problems.isEmpty {
                problems += produced.problems
                continue
            }
            guard problems.isEmpty else { continue }  // nothing will be written; just collect every problem
            let file = try judge(
                entry.path, produced: produced, target: target, previous: previous, force: options.force)
            if file.status == .create || file.status == .update {
                if let text = produced.text {
                    try staging.write(entry.path, text)
                } else {
                    try stageVerbatim(entry, from: bundle, expecting: produced, into: &staging)
                }
                written[entry.path] = produced.digest
            } else if file.status == .unchanged {
                written[entry.path] = produced.digest
            }
            files.append(file)
        }
        if !problems.isEmpty { throw TemplateClonerError.render(problems) }

        let sourceDigest = Digest.hex(sourceListing.finalize())
        var manifestFiles = previous?.files ?? [:]
        for (path, digest) in written { manifestFiles[path] = digest }
        let manifest = CloneManifest(
            tenant: tenant, sourceDigest: sourceDigest, valuesDigest: values.digest, files: manifestFiles)
        let manifestText = manifest.serialized
        let manifestChanged = manifestBytes.map { $0 != Array(manifestText.utf8) } ?? true

        if !options.dryRun {
            let changed = files.filter { $0.status == .create || $0.status == .update }.map(\.path)
            try staging.commit(
                changed: changed, manifest: manifestChanged ? manifestText : nil, targetExisted: targetExists)
        }
        return CloneReport(
            target: target, files: files, dryRun: options.dryRun, sourceDigest: sourceDigest,
            valuesDigest: values.digest,
            manifestChanged: manifestChanged)
    }

    /// Whether the target folder exists. A target that is a symbolic link (or anything but a folder) is refused
    /// before anything is read or written: files would land wherever the link points, and a new clone could not be
    /// moved into its place.
    static func checkTarget(_ target: String) throws -> Bool {
        // `link/` would make lstat follow the link: the last component is judged without its trailing slashes.
        var bare = Substring(target)
        while bare.count > 1 && bare.hasSuffix("/") { bare = bare.dropLast() }
        var info = stat()
        guard lstat(String(bare), &info) == 0 else { return false }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            return true
        case S_IFLNK:
            let resolved = (target as NSString).resolvingSymlinksInPath
            throw TemplateClonerError.unsafeTarget(
                path: target,
                reason: "is a symbolic link; name the folder it points to (\(resolved)) with --to, or remove the link")
        default:
            throw TemplateClonerError.unsafeTarget(
                path: target,
                reason: "is \(RegularFile.nonRegularKind(info.st_mode) ?? "not a folder"), expected a folder")
        }
    }

    /// The last clone's manifest; nil when there is none. One that cannot be read (a FIFO, a link, too large) is an
    /// error, not a missing manifest: that would turn every file the clone wrote into a conflict.
    static func readManifest(_ path: String) throws -> [UInt8]? {
        do {
            return try BoundedFile.read(path, limit: 64 << 20, followLinks: false)
        } catch {
            if error.reason == "no such file" { return nil }
            throw TemplateClonerError.unsafeTarget(path: path, reason: error.reason)
        }
    }

    // MARK: - One file

    struct Produced {
        /// SHA-256 of the bytes the target gets.
        var digest: String
        var sourceDigest: String
        var verbatim: Bool
        var replacements: Int
        /// The rendered text, kept to show a conflict's lines; nil for verbatim copies.
        var text: [UInt8]?
        var problems: [Diagnostic]
        /// Bytes read from the bundle.
        var size: UInt64
    }

    /// The second pass of a verbatim file: into staging, refusing anything but the bytes the first pass hashed.
    static func stageVerbatim(
        _ entry: BundleEntry, from bundle: any TemplateBundle, expecting produced: Produced, into staging: inout Staging
    ) throws {
        guard let sink = try staging.open(entry.path) else { return }
        defer { try? sink.close() }
        var hash = SHA256()
        var count: UInt64 = 0
        let changed = TemplateClonerError.unreadableBundle(
            path: bundle.label, reason: "\(entry.path) changed while it was being cloned")
        try bundle.read(entry) { chunk in
            count += UInt64(chunk.count)
            guard count <= produced.size else { throw changed }
            hash.update(data: chunk)
            try sink.write(chunk)
        }
        guard Digest.hex(hash.finalize()) == produced.digest else { throw changed }
    }

    /// Streams one entry once, writing nothing: binaries (and oversized text) are only hashed, text is rendered in
    /// memory. A verbatim file is streamed a second time, into staging, only when it is to be written, so a re-run
    /// that changes nothing creates nothing, not even the staging folder.
    /// The bundle's limits are enforced on the bytes actually read, whatever the headers declared.
    static func produce(
        _ entry: BundleEntry, from bundle: any TemplateBundle, values: TokenValues, options: CloneOptions,
        totalBytes: inout UInt64
    ) throws -> Produced {
        let limits = options.limits
        var sourceHash = SHA256()
        var outputHash = SHA256()
        var buffered: [UInt8] = []
        var verbatim = false
        var count: UInt64 = 0
        var total = totalBytes
        func refuse(_ reason: String) -> TemplateClonerError {
            .unsafeEntry(bundle: bundle.label, entry: entry.path, reason: reason)
        }
        func startVerbatim() throws {
            verbatim = true
            outputHash.update(data: buffered)
            buffered = []
        }
        try bundle.read(entry) { chunk in
            count += UInt64(chunk.count)
            total += UInt64(chunk.count)
            if count > entry.declaredSize, entry.compressedSize != nil || entry.declaredSize > 0 {
                throw refuse(
                    "it expands beyond the \(BundleLimits.size(entry.declaredSize)) its header declares (a ZIP bomb?)")
            }
            if let problem = limits.entryProblem(bytes: count, compressed: entry.compressedSize) {
                throw refuse(problem)
            }
            if total > limits.maximumTotalBytes {
                throw refuse(
                    "the bundle expands past the \(BundleLimits.size(limits.maximumTotalBytes)) limit for a whole bundle"
                )
            }
            sourceHash.update(data: chunk)
            if verbatim {
                outputHash.update(data: chunk)
                return
            }
            let sniffedBefore = buffered.count >= ContentSniffer.sniffLength
            buffered.append(contentsOf: chunk)
            if !sniffedBefore && buffered.count >= ContentSniffer.sniffLength
                && ContentSniffer.looksBinary(prefix: buffered, path: entry.path)
            {
                try startVerbatim()
            } else if buffered.count > options.renderLimit {
                try startVerbatim()
            }
        }
        totalBytes = total
        let sourceDigest = Digest.hex(sourceHash.finalize())
        if !verbatim
            && (ContentSniffer.looksBinary(prefix: buffered, path: entry.path) || buffered.contains(0)
                || !ContentSniffer.isUTF8(buffered))
        {
            try startVerbatim()
        }
        if verbatim {
            return Produced(
                digest: Digest.hex(outputHash.finalize()), sourceDigest: sourceDigest, verbatim: true, replacements: 0,
                text: nil,
                problems: [], size: count)
        }
        var outcome = TemplateRenderer.render(buffered, path: entry.path, values: values)
        for index in outcome.problems.indices { outcome.problems[index].file = bundle.displayPath(entry) }
        guard outcome.problems.isEmpty else {
            return Produced(
                digest: "", sourceDigest: sourceDigest, verbatim: false, replacements: 0, text: nil,
                problems: outcome.problems, size: count)
        }
        return Produced(
            digest: Digest.sha256Hex(outcome.bytes), sourceDigest: sourceDigest, verbatim: false,
            replacements: outcome.replacements, text: outcome.bytes, problems: [], size: count)
    }

    /// Created, updated, unchanged or conflict, by comparing the target file with what the last clone wrote.
    static func judge(_ path: String, produced: Produced, target: String, previous: CloneManifest?, force: Bool) throws
        -> CloneReport.File
    {
        var file = CloneReport.File(
            path: path, status: .create, verbatim: produced.verbatim, replacements: produced.replacements,
            forced: false,
            difference: nil)
        let targetPath = target + "/" + path
        try Staging.refuseLinkedFolders(for: path, in: target)
        var info = stat()
        if lstat(targetPath, &info) != 0 {
            return file
        }
        // A link, FIFO, device or folder where the file goes is neither compared nor replaced, with or without
        // --force: the clone is refused before anything is written.
        if let kind = RegularFile.nonRegularKind(info.st_mode) {
            throw TemplateClonerError.unsafeTarget(
                path: targetPath, reason: "is \(kind), not a file rg-crm wrote; remove it or clone elsewhere")
        }
        let current = try fileDigest(targetPath)
        if current == produced.digest {
            file.status = .unchanged
            return file
        }
        if previous?.files[path] == current {
            file.status = .update
            return file
        }
        if let text = produced.text,
            let existing = try? BoundedFile.read(targetPath, limit: 8 << 20, followLinks: false)
        {
            file.difference = LineDifference.between(current: existing, template: text)
        }
        guard force else {
            file.status = .conflict
            return file
        }
        file.status = .update
        file.forced = true
        return file
    }

    static func fileDigest(_ path: String) throws -> String {
        var hash = SHA256()
        do {
            let file = try RegularFile(path, followLinks: false)
            try file.chunks(of: 64 << 10) { hash.update(data: $0) }
        } catch let error as FileError {
            throw TemplateClonerError.unsafeTarget(path: path, reason: error.reason)
        }
        return Digest.hex(hash.finalize())
    }

    // MARK: - Metadata

    /// Every `catalog.json` in the bundle, read (bounded) before anything is rendered.
    static func loadCatalogs(_ bundle: any TemplateBundle) throws -> [TemplateCatalog] {
        var catalogs: [TemplateCatalog] = []
        for entry in bundle.entries
        where entry.path == TemplateCatalog.fileName || entry.path.hasSuffix("/" + TemplateCatalog.fileName) {
            var bytes: [UInt8] = []
            try bundle.read(entry) { chunk in
                bytes.append(contentsOf: chunk)
                if bytes.count > 4 << 20 {
                    throw TemplateClonerError.unsafeEntry(
                        bundle: bundle.label, entry: entry.path, reason: "a catalog larger than 4 MiB")
                }
            }
            let folder = String(
                entry.path.dropLast(TemplateCatalog.fileName.count + (entry.path.contains("/") ? 1 : 0)))
            catalogs.append(try TemplateCatalog.parse(bytes, folder: folder, file: bundle.label + "/" + entry.path))
        }
        return catalogs
    }

    static func metadata(_ path: String, _ catalogs: [TemplateCatalog]) -> TemplateMetadata? {
        for catalog in catalogs { if let found = catalog.metadata(forPath: path) { return found } }
        return nil
    }
}
