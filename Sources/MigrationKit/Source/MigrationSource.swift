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

    /// `0001_crm_core`, the file stem shared by up and down.
    public var id: String { "\(Migration.format(version))_\(name)" }

    public static func format(_ version: Int) -> String {
        let digits = String(version)
        return digits.count >= 4 ? digits : String(repeating: "0", count: 4 - digits.count) + digits
    }

    public static let noTransactionDirective = "-- rg-crm:no-transaction"

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
            var name: String
            var up: String?
            var down: String?
        }
        var pairs: [Int: Pair] = [:]
        for file in names.sorted() where file.hasSuffix(".sql") {
            guard let parsed = parse(file) else {
                throw .source(
                    (directory as NSString).appendingPathComponent(file),
                    "not a migration file name: expected NNNN_name.up.sql or NNNN_name.down.sql (name in snake_case)")
            }
            let path = (directory as NSString).appendingPathComponent(file)
            var pair = pairs[parsed.version] ?? Pair(name: parsed.name)
            if pair.name != parsed.name {
                throw .source(path, "version \(Migration.format(parsed.version)) is used by two names: '\(pair.name)' and '\(parsed.name)'")
            }
            if parsed.isUp { pair.up = path } else { pair.down = path }
            pairs[parsed.version] = pair
        }
        var migrations: [Migration] = []
        for (version, pair) in pairs.sorted(by: { $0.key < $1.key }) {
            let stem = (directory as NSString).appendingPathComponent("\(Migration.format(version))_\(pair.name)")
            guard let up = pair.up else { throw .source("\(stem).up.sql", "missing: every version needs an up file") }
            guard let down = pair.down else { throw .source("\(stem).down.sql", "missing: every version needs a down file") }
            let upSQL = try read(up)
            let downSQL = try read(down)
            let firstLine = upSQL.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            let transactional = firstLine.trimmingCharacters(in: .whitespacesAndNewlines) != Migration.noTransactionDirective
            for (path, sql) in [(up, upSQL), (down, downSQL)] {
                for statement in SQLScript.statements(sql)
                where ["BEGIN", "COMMIT", "ROLLBACK", "START", "END", "SAVEPOINT", "RELEASE"].contains(SQLScript.leadingKeyword(statement.text)) {
                    throw .source(
                        "\(path):\(statement.line):\(statement.column)",
                        "transaction control in a migration file; rg-crm wraps each migration in its own transaction (use \(Migration.noTransactionDirective) for statements that cannot run in one)")
                }
            }
            migrations.append(
                Migration(
                    version: version, name: pair.name, upPath: up, downPath: down, upSQL: upSQL, downSQL: downSQL,
                    checksum: Migration.checksum(of: upSQL), transactional: transactional))
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
            guard let text = String(validating: bytes, as: UTF8.self) else { throw MigrationError.source(path, "is not valid UTF-8") }
            return text
        } catch let error as MigrationError {
            throw error
        } catch {
            throw .source(path, (error as? FileError)?.reason ?? "cannot be read")
        }
    }
}
