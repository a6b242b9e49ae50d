import RGCore
import Testing

/// The one mapping from an error to an exit code, and how an error is printed.
@Suite struct ExitStatusTests {
    /// An error no library of rg-crm declares: what a bug or an unforeseen Foundation error looks like.
    private struct Unforeseen: Error, CustomStringConvertible {
        var description: String { "the index was out of range" }
    }

    private struct Declared: RGError {
        var category: ExitCategory
        var description: String { "db.example: connection refused" }
    }

    @Test func eachCategoryHasItsCode() {
        #expect(ExitStatus(ExitCategory.usage).rawValue == 2)
        #expect(ExitStatus(ExitCategory.failed).rawValue == 1)
        #expect(ExitStatus(ExitCategory.internal).rawValue == 3)
        #expect(ExitStatus.success.rawValue == 0)
    }

    @Test func anErrorThatIsNotAnRGErrorIsInternal() {
        #expect(ExitCategory.of(Unforeseen()) == .internal)
        #expect(ExitStatus(Unforeseen() as any Error) == .internal)
        #expect(ErrorReport.lines(for: Unforeseen()) == ["rg-crm: error: internal: the index was out of range"])
    }

    @Test(arguments: ExitCategory.allCases)
    func anRGErrorKeepsItsCategory(category: ExitCategory) {
        let error = Declared(category: category)
        #expect(ExitCategory.of(error) == category)
        #expect(ExitStatus(error as any Error) == ExitStatus(category))
        #expect(ErrorReport.lines(for: error) == ["rg-crm: error: db.example: connection refused"])
    }

    @Test func theWorstOfSeveralOutcomesWins() {
        #expect([ExitStatus.success, .failed, .usage].max() == .usage)
        #expect([ExitStatus.internal, .failed].max() == .internal)
        #expect([ExitStatus.success].max() == .success)
    }

    @Test func findingsFailOnErrorsAndUnderStrictOnWarnings() {
        func finding(_ severity: Severity) -> Diagnostic {
            Diagnostic(file: "f.yaml", line: 1, column: 1, severity: severity, rule: "r", message: "m")
        }
        #expect(ExitStatus.forFindings([], strict: true) == .success)
        #expect(ExitStatus.forFindings([finding(.note)], strict: true) == .success)
        #expect(ExitStatus.forFindings([finding(.warning)], strict: false) == .success)
        #expect(ExitStatus.forFindings([finding(.warning)], strict: true) == .failed)
        #expect(ExitStatus.forFindings([finding(.error)], strict: false) == .failed)
    }

    @Test func aConfigErrorPrintsOneEscapedLinePerIssue() {
        let error = ConfigError([
            ConfigIssue(file: "a/tenant.json", path: "$.name", position: nil, message: "bad\nname"),
            ConfigIssue(file: "a/crm.json", path: "$", position: nil, message: "no such file", unreadable: true),
        ])
        #expect(
            ErrorReport.lines(for: error) == [
                "rg-crm: error: a/tenant.json: $.name: bad\\nname", "rg-crm: error: a/crm.json: $: no such file",
            ])
        #expect(ExitCategory.of(error) == .usage)
        #expect(error.checkStatus == .usage)
        #expect(ConfigError([error.issues[0]]).checkStatus == .failed)
    }
}
