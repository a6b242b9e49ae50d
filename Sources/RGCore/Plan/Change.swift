/// One resource in a plan: what a command would do (or, applied, did) to it. Every command that changes something
/// says so in these words, so that `db seed`, `templates clone` and `db migrate` read and parse alike.
public struct Change: Sendable, Equatable {
    /// What happens to the resource. The raw values are the JSON's `action`.
    public enum Action: String, Sendable, Equatable, CaseIterable {
        case create, update, delete, unchanged, conflict

        /// The mark that starts the resource's line in text: `+ create`, `~ update`, `- delete`, `= unchanged`,
        /// `! conflict`.
        public var symbol: String {
            switch self {
            case .create: "+"
            case .update: "~"
            case .delete: "-"
            case .unchanged: "="
            case .conflict: "!"
            }
        }

        /// The action in the past tense, for a report of what was done: `created`, `updated`, `deleted`.
        public var pastTense: String {
            switch self {
            case .create: "created"
            case .update: "updated"
            case .delete: "deleted"
            case .unchanged: "unchanged"
            case .conflict: "conflict"
            }
        }
    }

    public var action: Action
    /// What sort of resource: `tenant`, `role`, `privileges`, `pipeline`, `stage`, `settings`, `file`, `migration`.
    public var kind: String
    /// Which one of its kind: a slug, a key, a path, a migration's id.
    public var identity: String
    /// A short note on what changes or why (one line), or nil.
    public var detail: String?
    /// The resource's text before and after, where a command can show it (a hand-edited file, a migration's SQL).
    public var before: String?
    public var after: String?

    public init(
        _ action: Action, _ kind: String, _ identity: String, detail: String? = nil, before: String? = nil,
        after: String? = nil
    ) {
        self.action = action
        self.kind = kind
        self.identity = identity
        self.detail = detail
        self.before = before
        self.after = after
    }
}
