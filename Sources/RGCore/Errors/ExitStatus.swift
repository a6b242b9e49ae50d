/// rg-crm's exit codes, for every command and checker (actionlint's): 0 success or clean, 1 a failed operation or
/// findings, 2 bad input or invocation, 3 an internal error. Ordered by severity: the worst of several outcomes wins.
public enum ExitStatus: Int32, Sendable, Hashable, CaseIterable, Comparable {
    case success = 0
    case failed = 1
    case usage = 2
    case `internal` = 3

    /// The one mapping from an error's category to a code.
    public init(_ category: ExitCategory) {
        switch category {
        case .failed: self = .failed
        case .usage: self = .usage
        case .internal: self = .internal
        }
    }

    /// The status an error ends a command with: its category's, or internal (3) for an error that is not an `RGError`.
    public init(_ error: any Error) { self.init(ExitCategory.of(error)) }

    /// 1 when any error is found, or any warning under `strict`; else 0.
    public static func forFindings(_ diagnostics: [Diagnostic], strict: Bool) -> ExitStatus {
        let failing: Severity = strict ? .warning : .error
        return diagnostics.contains { $0.severity >= failing } ? .failed : .success
    }

    public static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Under `--detailed-exitcode` (Terraform's convention) 2 means "the plan has changes": the number `usage` has,
    /// which is why every error, bad input included, exits `failed` (1) there.
    public static let planHasChanges = ExitStatus.usage
}
