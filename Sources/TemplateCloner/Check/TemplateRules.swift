import RGCore

/// A template-check rule: its id, what it checks in one line, how bad it is, and examples that are also its tests
/// (as lint's rules are described). Examples are checked against `TemplateRules.examplePalette`.
public struct TemplateRule: Sendable {
    public var description: RuleDescription
    public var triggering: [RuleExample]
    public var nonTriggering: [RuleExample]
}

public enum TemplateRules {
    /// The palette the examples are checked against (Mr. DJ's primary, background and accent colours).
    public static let examplePalette: Set<String> = ["#111827", "#f3f4f6", "#ef4444"]

    public static let all: [TemplateRule] = [
        TemplateRule(
            description: RuleDescription(
                id: "off-palette-colour", summary: "A hex colour that is not in the tenant's brand palette.",
                severity: .error),
            triggering: [
                RuleExample("Kleur ↓#00AEEF, ↓#abc en #111827\n", file: "sms/reminder.txt"),
                RuleExample("<p style=\"color:↓#D4AF37\">Hallo</p>\n", file: "teams/alert.html"),
            ],
            nonTriggering: [
                RuleExample(
                    "Kleur #111827, #EF4444 en #f3f4f6; &#123; en https://mr-dj.rentguy.nl/#top\n",
                    file: "sms/reminder.txt")
            ]),
        TemplateRule(
            description: RuleDescription(
                id: "unresolved-token", summary: "A {{brand.*}} or {{tenant.*}} token left in a cloned template.",
                severity: .error),
            triggering: [
                RuleExample("Hallo van ↓{{tenant.name}} in ↓{{brand.primary_color}}\n", file: "sms/reminder.txt")
            ],
            nonTriggering: [RuleExample("Hallo van Mr. DJ\n", file: "sms/reminder.txt")]),
        TemplateRule(
            description: RuleDescription(
                id: "mjml-malformed", summary: "MJML that is not well-formed (unbalanced or stray tags).",
                severity: .error),
            triggering: [
                RuleExample(
                    "<mjml><mj-body><mj-section>↓</mj-column><mj-column><mj-button href=\"https://x.nl\">Ja</mj-button></mj-column></mj-section></mj-body></mjml>\n",
                    file: "email/welcome.mjml")
            ],
            nonTriggering: [
                RuleExample(
                    "<mjml><mj-body><mj-section><mj-column><mj-button href=\"https://x.nl\">Ja</mj-button></mj-column></mj-section></mj-body></mjml>\n",
                    file: "email/welcome.mjml")
            ]),
        TemplateRule(
            description: RuleDescription(
                id: "mjml-structure", summary: "MJML without its <mjml> root or <mj-body>.", severity: .error),
            triggering: [
                // No <mjml> root and no <mj-body>: two findings at the start.
                RuleExample(
                    "↓↓<mj-section><mj-column><mj-button href=\"https://x.nl\">Ja</mj-button></mj-column></mj-section>\n",
                    file: "email/welcome.mjml")
            ],
            nonTriggering: [
                RuleExample(
                    "<mjml><mj-body><mj-section><mj-column><mj-button href=\"https://x.nl\">Ja</mj-button></mj-column></mj-section></mj-body></mjml>\n",
                    file: "email/welcome.mjml")
            ]),
        TemplateRule(
            description: RuleDescription(
                id: "missing-cta", summary: "An e-mail without a call-to-action link.", severity: .error),
            triggering: [
                RuleExample("↓# Welkom\n\nWe bellen je snel.\n", file: "email/welcome.md"),
                RuleExample("↓<mjml><mj-body><mj-text>Hallo</mj-text></mj-body></mjml>\n", file: "email/welcome.mjml"),
            ],
            nonTriggering: [
                RuleExample(
                    "# Welkom\n\n[Plan een gesprek](https://mr-dj.rentguy.nl/afspraak)\n", file: "email/welcome.md"),
                RuleExample("Geen e-mail: geen knop nodig.\n", file: "sms/reminder.txt"),
            ]),
        TemplateRule(
            description: RuleDescription(
                id: "insecure-link", summary: "A link or image that is not https.", severity: .error),
            triggering: [
                RuleExample(
                    "<a href=\"↓http://mr-dj.rentguy.nl\">site</a> <img src='↓http://x.nl/logo.png'>\n",
                    file: "teams/alert.html"),
                RuleExample("[site](↓http://mr-dj.rentguy.nl)\n", file: "sms/reminder.md"),
            ],
            nonTriggering: [RuleExample("<a href=\"https://mr-dj.rentguy.nl\">site</a>\n", file: "teams/alert.html")]),
    ]
}
