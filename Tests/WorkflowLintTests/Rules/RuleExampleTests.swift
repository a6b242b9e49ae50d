import RGCore
import Testing

@testable import WorkflowLint

/// Every rule's own examples are its tests: a rule without examples, or whose examples do not hold, fails here.
@Suite struct RuleExampleTests {
    static func lint(_ example: RuleExample) -> (findings: [Diagnostic], expected: [SourcePosition]) {
        let (source, positions) = example.parsed
        return (
            WorkflowLinter.lint(Array(source.utf8), path: example.file, tenant: Fixtures.exampleTenant), positions
        )
    }

    /// Each rule's severity, written out: what `--strict` and the exit code depend on. Only a layout problem and an
    /// anchor nobody uses are warnings; everything else is an error.
    static let severities: [String: Severity] = [
        "syntax": .error, "duplicate-key": .error, "unknown-key": .error, "missing-key": .error, "type": .error,
        "unknown-trigger": .error, "unknown-action-type": .error, "missing-param": .error,
        "duplicate-action-id": .error, "undefined-alias": .error, "unused-anchor": .warning, "alias-limit": .error,
        "condition-syntax": .error, "unknown-field": .error, "condition-type": .error, "unknown-stage": .error,
        "unknown-template": .error, "unknown-webhook": .error, "workflow-id-mismatch": .error,
        "legacy-format": .warning,
    ]

    @Test func everyRuleHasItsWrittenOutSeverity() {
        #expect(Set(RuleCatalogue.all.map(\.id.rawValue)) == Set(Self.severities.keys))
        for rule in RuleCatalogue.all {
            #expect(rule.severity == Self.severities[rule.id.rawValue], "\(rule.id.rawValue)")
            #expect(rule.description.severity == Self.severities[rule.id.rawValue], "\(rule.id.rawValue)")
        }
    }

    @Test func everyRuleIsDescribedOnceWithExamples() {
        #expect(RuleCatalogue.all.map(\.id).sorted() == RuleID.allCases.sorted())
        #expect(Set(RuleCatalogue.all.map(\.id)).count == RuleCatalogue.all.count)
        for rule in RuleCatalogue.all {
            #expect(!rule.triggering.isEmpty, "\(rule.id.rawValue) has no failing example")
            #expect(!rule.nonTriggering.isEmpty, "\(rule.id.rawValue) has no passing example")
            #expect(!rule.summary.isEmpty)
            for example in rule.triggering {
                #expect(
                    !example.parsed.positions.isEmpty,
                    "\(rule.id.rawValue): a failing example marks its positions with ↓")
            }
        }
    }

    @Test(arguments: RuleCatalogue.all.map(\.id))
    func failingExamplesFailAtTheMarkedPositions(_ id: RuleID) {
        let rule = RuleCatalogue.all.first { $0.id == id }!
        for example in rule.triggering {
            let (findings, expected) = Self.lint(example)
            let actual = findings.filter { $0.rule == id.rawValue }.map {
                SourcePosition(line: $0.line, column: $0.column)
            }
            #expect(
                Set(actual) == Set(expected),
                "\(id.rawValue): expected findings at \(expected.map { "\($0.line):\($0.column)" }), got \(findings.map { "\($0.line):\($0.column) [\($0.rule)] \($0.message)" })"
            )
            for finding in findings where finding.rule == id.rawValue {
                #expect(finding.severity == Self.severities[id.rawValue], "\(id.rawValue)")
            }
        }
    }

    @Test(arguments: RuleCatalogue.all.map(\.id))
    func passingExamplesAreClean(_ id: RuleID) {
        let rule = RuleCatalogue.all.first { $0.id == id }!
        for example in rule.nonTriggering {
            let (findings, _) = Self.lint(example)
            #expect(
                findings.isEmpty,
                "\(id.rawValue): \(findings.map { "\($0.line):\($0.column) [\($0.rule)] \($0.message)" })")
        }
    }
}
