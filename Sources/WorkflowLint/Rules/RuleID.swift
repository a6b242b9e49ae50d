import RGCore

/// Every rule's stable id. Reports name rules by these; `RuleCatalogue` describes each one with examples.
public enum RuleID: String, Sendable, CaseIterable, Comparable {
    case syntax
    case duplicateKey = "duplicate-key"
    case unknownKey = "unknown-key"
    case missingKey = "missing-key"
    case type
    case unknownTrigger = "unknown-trigger"
    case unknownActionType = "unknown-action-type"
    case missingParam = "missing-param"
    case duplicateActionID = "duplicate-action-id"
    case undefinedAlias = "undefined-alias"
    case unusedAnchor = "unused-anchor"
    case aliasLimit = "alias-limit"
    case conditionSyntax = "condition-syntax"
    case unknownField = "unknown-field"
    case conditionType = "condition-type"
    case unknownStage = "unknown-stage"
    case unknownTemplate = "unknown-template"
    case unknownWebhook = "unknown-webhook"
    case workflowIDMismatch = "workflow-id-mismatch"
    case legacyFormat = "legacy-format"

    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rawValue < rhs.rawValue }
}
