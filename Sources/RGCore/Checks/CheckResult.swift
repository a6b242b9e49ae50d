/// What became of one check: it held, it did not, it was not run (with its reason), or it could not be decided.
public enum CheckStatus: String, Sendable, Codable, CaseIterable {
    /// The check ran and what it checks holds.
    case pass
    /// The check ran and found what it checks for broken.
    case fail
    /// The check was not run; `message` says why.
    case skip
    /// The check could not decide (a server did not answer, a file could not be read): neither pass nor fail.
    case error
}

/// The result of one check of any checker (a smoke test, a health check): pass, fail, skip or error, with how long it
/// took and, when it did not pass, what was found and what to do about it. Findings of a linter stay `Diagnostic`s;
/// a check that points into a file carries a `Location` (a Diagnostic's position).
public struct CheckResult: Sendable, Hashable {
    /// Where in a file a result points: 1-based line and column (code points), as a `Diagnostic`'s.
    public struct Location: Sendable, Hashable {
        public var file: String
        public var line: Int?
        public var column: Int?

        public init(file: String, line: Int? = nil, column: Int? = nil) {
            self.file = file
            self.line = line
            self.column = column
        }

        /// A finding's position.
        public init(_ diagnostic: Diagnostic) {
            self.init(file: diagnostic.file, line: diagnostic.line, column: diagnostic.column)
        }

        /// `file`, `file:line` or `file:line:column`.
        public var description: String {
            guard let line else { return file }
            guard let column else { return "\(file):\(line)" }
            return "\(file):\(line):\(column)"
        }
    }

    /// Stable, dotted: `db.rls.forced`. Reports and CI history key on it.
    public var id: String
    /// What the check belongs to (`db`, `http`): one JUnit test suite per group.
    public var group: String
    /// What is checked, in a few words: "row-level security is forced on every tenant table".
    public var title: String
    public var status: CheckStatus
    /// How long the check took.
    public var duration: Duration
    /// What was found (fail, error), why it was not run (skip); optional for a pass.
    public var message: String?
    /// What to do about a failure or an error.
    public var remediation: String?
    public var location: Location?

    public init(
        id: String, group: String, title: String, status: CheckStatus, duration: Duration = .zero,
        message: String? = nil, remediation: String? = nil, location: Location? = nil
    ) {
        self.id = id
        self.group = group
        self.title = title
        self.status = status
        self.duration = duration
        self.message = message
        self.remediation = remediation
        self.location = location
    }
}

/// Counts of a set of results: what every format's summary line and JUnit's attributes say.
public struct CheckSummary: Sendable, Hashable {
    public var total = 0
    public var passed = 0
    public var failed = 0
    public var skipped = 0
    public var errors = 0
    public var duration: Duration = .zero

    public init(_ results: some Sequence<CheckResult>) {
        for result in results {
            total += 1
            duration += result.duration
            switch result.status {
            case .pass: passed += 1
            case .fail: failed += 1
            case .skip: skipped += 1
            case .error: errors += 1
            }
        }
    }

    /// No check failed and none could not be decided (skips do not make a run fail).
    public var succeeded: Bool { failed == 0 && errors == 0 }
}

extension Duration {
    /// Whole milliseconds, rounded down; never negative.
    public var wholeMilliseconds: Int {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return max(0, Int(clamping: milliseconds))
    }

    /// Seconds with three decimals, `0.012`: JUnit's `time`.
    public var secondsText: String {
        let milliseconds = wholeMilliseconds
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
