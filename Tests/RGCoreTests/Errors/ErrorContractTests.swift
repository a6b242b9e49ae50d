import DashboardKit
import Foundation
import HTTPClient
import MigrationKit
import Postgres
import ProvisionKit
import RGCore
import Redis
import ReportKit
import SmokeKit
import TemplateCloner
import TestSupport
import Testing
import WorkflowLint
import YAMLEvents

/// Every error a library of rg-crm declares is an `RGError` with its true category: the executable never has to
/// know a module's error types to choose an exit code.
@Suite struct ErrorContractTests {
    /// Each public error type, named here so that the compiler checks its conformance.
    static let declared: [(name: String, type: any RGError.Type)] = [
        ("ConfigError", ConfigError.self), ("ConfigIssue", ConfigIssue.self), ("SlugError", SlugError.self),
        ("FileError", FileError.self), ("JSONSyntaxError", JSONSyntaxError.self),
        ("PostgresError", PostgresError.self), ("HTTPError", HTTPError.self), ("YAMLSyntaxError", YAMLSyntaxError.self),
        ("MigrationError", MigrationError.self), ("SeedError", SeedError.self),
        ("TemplateClonerError", TemplateClonerError.self), ("LintSetupError", LintSetupError.self),
        ("Failure", WorkflowUpgrader.Failure.self), ("ConditionProblem", ConditionProblem.self),
        ("ProvisionError", ProvisionError.self), ("DeployError", DeployError.self),
        ("TenantInitError", TenantInitError.self), ("YAMLTreeError", YAMLTreeError.self),
        ("UnsafePlainScalar", YAMLEmitter.UnsafePlainScalar.self), ("RedisError", RedisError.self),
        ("DashboardError", DashboardError.self), ("TemplateError", NativeQuery.TemplateError.self),
        ("SmokeError", SmokeError.self), ("JSONReportError", JSONReportError.self), ("SkipCheck", SkipCheck.self),
        ("Failure", Graphviz.Failure.self),
    ]

    /// Guards the list: a public type in a library that conforms to plain `Error` (not `RGError`) fails here, and so
    /// does one missing from `declared`.
    @Test func everyPublicErrorTypeOfTheLibrariesIsAnRGError() throws {
        let libraries = [
            "RGCore", "Postgres", "HTTPClient", "YAMLEvents", "MigrationKit", "TemplateCloner", "WorkflowLint",
            "ProvisionKit", "Redis", "DashboardKit", "SmokeKit", "ReportKit",
        ]
        let declaration = try NSRegularExpression(
            pattern: #"^\s*public\s+(?:final\s+)?(?:struct|enum|class)\s+(\w+)\s*:\s*([^{]*)\{"#,
            options: [.anchorsMatchLines])
        var found: [String: String] = [:]
        for library in libraries {
            let root = TestPaths.repository("Sources/\(library)")
            let files = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".swift") }
            #expect(!files.isEmpty, "\(root)")
            for file in files {
                let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
                let range = NSRange(text.startIndex..., in: text)
                for match in declaration.matches(in: text, range: range) {
                    let name = String(text[Range(match.range(at: 1), in: text)!])
                    let inherited = text[Range(match.range(at: 2), in: text)!].split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                    if inherited.contains("Error") || inherited.contains("RGError") {
                        found[name] = inherited.joined(separator: ", ")
                    }
                }
            }
        }
        let plain = found.filter {
            $0.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.contains("Error")
        }
        #expect(plain.isEmpty, "conforms to Error, not RGError: \(plain.keys.sorted())")
        #expect(Set(found.keys) == Set(Self.declared.map(\.name)), "declared: \(found.keys.sorted())")
    }

    /// Each printed line is one line, and there is at least one.
    static func isOneLineEach(_ error: any RGError) -> Bool {
        !error.lines.isEmpty && error.lines.allSatisfy { !$0.isEmpty && !$0.contains(where: \.isNewline) }
    }

    @Test func badInputIsUsage() throws {
        let usage: [any RGError] = [
            ConfigError([ConfigIssue(file: "t.json", path: "$", position: nil, message: "m")]),
            ConfigIssue(file: "t.json", path: "$", position: nil, message: "m"),
            try #require(#expect(throws: SlugError.self) { try Slug("Not A Slug") }),
            FileError(path: "p", reason: "no such file"),
            try #require(#expect(throws: JSONSyntaxError.self) { try JSONParser.parse(Array("{".utf8)) }),
            PostgresError(kind: .invalidURL, message: "invalid URI"),
            HTTPError(kind: .invalidURL, method: "GET", target: "(invalid URL)", reason: "malformed"),
            HTTPError(kind: .invalidHeader, method: "GET", target: "http://h/", reason: "forbidden character"),
            YAMLSyntaxError(message: "did not find expected key", mark: SourcePosition(line: 1, column: 1)),
            MigrationError.source("db/migrations/0001_x.up.sql", "empty"), MigrationError.invalidTarget("no version 7"),
            MigrationError.database(PostgresError(kind: .invalidURL, message: "invalid URI")),
            SeedError.invalidRolePrefix("RG_"), SeedError.database(PostgresError(kind: .invalidURL, message: "bad")),
            TemplateClonerError.invalidValue(name: "n", value: "v", expected: "a colour"),
            TemplateClonerError.render([]), TemplateClonerError.unsafeEntry(bundle: "b", entry: "e", reason: "r"),
            TemplateClonerError.unreadableBundle(path: "p", reason: "r"),
            TemplateClonerError.invalidSelector("s", reason: "r"),
            TemplateClonerError.notFound(path: "p", hint: "h"),
            TemplateClonerError.unsafeTarget(path: "p", reason: "r"),
            TemplateClonerError.uncheckable(path: "p", reason: "r"),
            LintSetupError("no workflow folder at x"),
            WorkflowUpgrader.Failure.notLegacy(path: "p"), WorkflowUpgrader.Failure.invalid(path: "p", []),
            try #require(ConditionChecker.check("((", fields: nil, trigger: nil).first),
            ProvisionError.badPlanFile(path: "plan.json", reason: "not a plan"),
            ProvisionError.underlying(FileError(path: "p", reason: "no such file")),
        ]
        for error in usage {
            #expect(error.category == .usage, "\(type(of: error)): \(error)")
            #expect(Self.isOneLineEach(error), "\(type(of: error)): \(error.lines)")
        }
    }

    @Test func failedOperationsAreFailed() {
        let query = PostgresError(kind: .query, message: "relation does not exist")
        let failed: [any RGError] = [
            PostgresError(kind: .connection, message: "connection refused"), query,
            HTTPError(kind: .connection, method: "GET", target: "http://h/", reason: "refused"),
            HTTPError(kind: .timeout, method: "GET", target: "http://h/", reason: "timed out"),
            HTTPError(kind: .tls, method: "GET", target: "https://h/", reason: "certificate"),
            HTTPError(kind: .status, method: "GET", target: "http://h/", reason: "HTTP 503"),
            HTTPError(kind: .transfer, method: "GET", target: "http://h/", reason: "too large"),
            MigrationError.database(query), MigrationError.failed(file: "f", line: 1, column: 1, query),
            MigrationError.checksumMismatch(file: "f", version: 1), MigrationError.missingFile(version: 1, name: "n"),
            MigrationError.lockTimeout(seconds: 1, database: "d"),
            MigrationError.partiallyApplied(file: "f", line: 1, column: 1, query, statementsRun: 1),
            MigrationError.transactionControl(file: "f", line: 1, column: 1, status: .idle, expected: .inTransaction),
            SeedError.database(query), SeedError.stageInUse(pipeline: "p", stage: "s", deals: 1),
            SeedError.pipelineInUse(pipeline: "p", deals: 1), SeedError.schemaMissing(missing: "crm.crm_deals"),
            SeedError.roleNotProven(role: "r", tenant: "t", database: "d", reason: "x"),
            SeedError.groupRoleNotUsable(role: "r", reason: "x"), SeedError.roleInUse(role: "r", detail: "x"),
            TemplateClonerError.io(path: "p", reason: "cannot be written"),
            ProvisionError.stalePlan("database changed"), ProvisionError.locked(tenant: "t", holder: "h", seconds: 1),
            ProvisionError.secrets("Vault: x"), ProvisionError.login("role x"),
            ProvisionError.workflowFindings(errors: 1, first: "f:1:1: m"),
            ProvisionError.templateConflicts(count: 1, first: "f"),
            ProvisionError.underlying(query),
        ]
        for error in failed {
            #expect(error.category == .failed, "\(type(of: error)): \(error)")
            #expect(Self.isOneLineEach(error), "\(type(of: error)): \(error.lines)")
        }
    }

    /// The one internal error a library declares: the test-only abort, which stands for a crash.
    @Test func theTestOnlyAbortIsInternal() {
        #expect(ProvisionError.abortedForTest(step: 1).category == .internal)
        #expect(ExitStatus(ProvisionError.abortedForTest(step: 1)) == .internal)
    }
}
