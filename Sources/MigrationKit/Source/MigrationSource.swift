import Foundation
import RGCore

/// One version: `NNNN_name.up.sql` and `NNNN_name.down.sql`.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var upPath: String
    public var downPath: String
    public var upSQL: String
    public var downSQL: String
    /// sha256 of the up file with CRLF and CR normalised to LF, so a checkout's line endings do not matter.
    public var checksum: String
    /// False when the up file starts with `-- rg-crm:no-transaction` (for `CREATE INDEX CONCURRENTLY`).
    public var transactional: Bool
    /// The same for the down file (for `DROP INDEX CONCURRENTLY`).
    public var downTransactional: Bool = true

    /// `0001_crm_core`, the file stem shared by up and down.
    public var id: String { "\(Migration.format(version))_\(name)" }

    public static func format(_ version: Int) -> String {
        let digits = String(version)
        return digits.count >= 4 ? digits : String(repeating: "0", count: 4 - digits.count) + digits
    }

    public static let noTransactionDirective = "-- rg-crm:no-transaction"

    /// Whether a file's first line is the no-transaction directive. Any other `-- rg-crm:` comment line, or the
    /// directive anywhere else or misspelt (case, spacing), is refused rather than silently ignored.
    static func isNonTransactional(_ text: String, path: String) throws(MigrationError) -> Bool {
        var found = false
        let lines = normalisedLineEndings(text).split(separator: "\n", omittingEmptySubsequences: false)
        for (offset, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.hasPrefix("--") else { continue }
            let comment = trimmed.dropFirst(2).trimmingCharacters(in: .whitespaces).lowercased()
            guard comment.hasPrefix("rg-crm:") || comment.hasPrefix("rg-crm :") else { continue }
            guard offset == 0, trimmed == noTransactionDirective else {
                let column = line.unicodeScalars.prefix { $0 == " " || $0 == "\t" }.count + 1
                throw .source(
                    "\(path):\(offset + 1):\(column)",
                    "not an rg-crm directive: the only one is '\(noTransactionDirective)', spelt exactly so, as the file's first line"
                )
            }
            found = true
        }
        return found
    }

    public static func checksum(of text: String) -> String {
        Digest.sha256Hex(normalisedLineEndings(text))
    }

    static func normalisedLineEndings(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                output.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            output.append(scalar)
        }
        return String(output)
    }
}

/// Reads a migrations folder and checks its shape before anything touches the database.
public enum MigrationSource {
    public static let defaultDirectory = "db/migrations"
    static let maximumFileSize = 4 << 20

    public static func load(directory: String = defaultDirectory) throws(MigrationError) -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .source(directory, "cannot list the migrations folder (does it exist?)")
        }
        struct Pair {
            var stem: String
            var name: String
            var up: String?
            var down: String?
        }
        var pairs: [Int: Pair] = [:]
        // A name ending in .sql in any case is a migration file or a mistake, never something to skip.
        for file in names.sorted() where file.lowercased().hasSuffix(".sql") {
            let path = (directory as NSString).appendingPathComponent(file)
            guard let parsed = parse(file) else {
                throw .source(
                    path,
                    "not a migration file name: expected NNNN_name.up.sql or NNNN_name.down.sql (name in snake_case, extension in lower case)"
                )
            }
            let stem = String(file.prefix { $0 != "." })
            var pair = pairs[parsed.version] ?? Pair(stem: stem, name: parsed.name)
            if pair.name != parsed.name {
                throw .source(
                    path,
                    "version \(Migration.format(parsed.version)) is used by two names: '\(pair.name)' and '\(parsed.name)'"
                )
            }
            // A version is its number: 005_a and 0005_a are the same version, and one must not silently win.
            if pair.stem != stem {
                throw .source(
                    path,
                    "version \(Migration.format(parsed.version)) is also written '\(pair.stem)': a version is its number, keep one spelling"
                )
            }
            if parsed.isUp { pair.up = path } else { pair.down = path }
            pairs[parsed.version] = pair
        }
        var migrations: [Migration] = []
        for (version, pair) in pairs.sorted(by: { $0.key < $1.key }) {
            let stem = (directory as NSString).appendingPathComponent(pair.stem)
            guard let up = pair.up else { throw .source("\(stem).up.sql", "missing: every version needs an up file") }
            guard let down = pair.down else {
                throw .source("\(stem).down.sql", "missing: every version needs a down file")
            }
            let upSQL = try read(up)
            let downSQL = try read(down)
            let transactional = try !Migration.isNonTransactional(upSQL, path: up)
            let downTransactional = try !Migration.isNonTransactional(downSQL, path: down)
            for (path, sql, inTransaction) in [(up, upSQL, transactional), (down, downSQL, downTransactional)] {
                let (statements, metaCommands) = SQLScript.scan(sql)
                if let meta = metaCommands.first {
                    throw .source(
                        "\(path):\(meta.line):\(meta.column)",
                        "a backslash outside quotes is a psql meta-command; rg-crm sends SQL statements only")
                }
                for statement in statements {
                    guard let command = SQLScript.transactionControl(statement.text) else { continue }
                    throw .source(
                        "\(path):\(statement.position.line):\(statement.position.column)",
                        "transaction control in a migration file (\(command)): rg-crm "
                            + (inTransaction
                                ? "wraps each migration in its own transaction (use \(Migration.noTransactionDirective) for statements that cannot run in one)"
                                : "runs each statement of a \(Migration.noTransactionDirective) file on its own"))
                }
            }
            migrations.append(
                Migration(
                    version: version, name: pair.name, upPath: up, downPath: down, upSQL: upSQL, downSQL: downSQL,
                    checksum: Migration.checksum(of: upSQL), transactional: transactional,
                    downTransactional: downTransactional))
        }
        return migrations
    }

    /// `0003_read_models.up.sql` → (3, "read_models", up).
    static func parse(_ file: String) -> (version: Int, name: String, isUp: Bool)? {
        let isUp = file.hasSuffix(".up.sql")
        guard isUp || file.hasSuffix(".down.sql") else { return nil }
        let stem = file.dropLast(isUp ? ".up.sql".count : ".down.sql".count)
        guard let underscore = stem.firstIndex(of: "_") else { return nil }
        let digits = stem[..<underscore]
        let name = String(stem[stem.index(after: underscore)...])
        guard !digits.isEmpty, digits.count <= 14, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            let version = Int(digits), version > 0, Identifier.isValid(name)
        else { return nil }
        return (version, name, isUp)
    }

    private static func read(_ path: String) throws(MigrationError) -> String {
        do {
            let bytes = try BoundedFile.read(path, limit: maximumFileSize)
            guard var text = String(validating: bytes, as: UTF8.self) else {
                throw MigrationError.source(path, "is not valid UTF-8")
            }
            // An editor's byte order mark is not SQL (psql drops it too), and must not hide the first line.
            if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
            return text
        } catch let error as MigrationError {
            throw error
        } catch {
            throw .source(path, (error as? FileError)?.reason ?? "cannot be read")
        }
    }
}
