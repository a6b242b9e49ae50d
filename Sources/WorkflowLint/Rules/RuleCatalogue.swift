import RGCore

extension RuleExample {
    /// A workflow example, linted as `lead_intake.yaml` unless named otherwise (its stem is the expected workflow id).
    public init(_ code: String) { self.init(code, file: "automation/workflows/lead_intake.yaml") }

    /// Lines and columns as libyaml counts them.
    public var parsed: (source: String, positions: [SourcePosition]) { parsed(breaks: .yaml) }
}

/// A rule: its id, what it checks in one line, how bad it is, and examples that are also its tests.
public struct RuleSpec: Sendable {
    public var id: RuleID
    public var summary: String
    public var severity: Severity
    public var triggering: [RuleExample]
    public var nonTriggering: [RuleExample]

    public var description: RuleDescription { RuleDescription(id: id.rawValue, summary: summary, severity: severity) }
}

public enum RuleCatalogue {
    public static var descriptions: [RuleDescription] { all.map(\.description) }

    static func severity(of rule: RuleID) -> Severity {
        switch rule {
        case .unusedAnchor, .legacyFormat: .warning
        default: .error
        }
    }

    /// A clean workflow the examples vary on.
    static let clean = """
        workflow: lead_intake
        version: 1
        trigger: lead.created
        entry_stage: nieuwe_lead
        sla_hours: 4
        fallback_owner: ROLE_SALES
        actions:
          - id: welcome
            type: email
            template: lead_welcome

        """

    static func rule(
        _ id: RuleID, _ summary: String, triggering: [RuleExample], nonTriggering: [RuleExample] = [RuleExample(clean)]
    ) -> RuleSpec {
        RuleSpec(
            id: id, summary: summary, severity: severity(of: id), triggering: triggering, nonTriggering: nonTriggering)
    }

    public static let all: [RuleSpec] = [
        rule(
            .syntax,
            "The file is YAML that libyaml can parse (its own error, at its position), one document, not nested too deeply.",
            triggering: [
                RuleExample(
                    """
                    workflow: lead_intake
                    version: 1
                    description: Prijs € 5 na Oriëntatie↓: gratis

                    """),
                RuleExample(
                    """
                    workflow: lead_intake
                    actions: [{id: welcome, type: email
                    ↓
                    """),
            ]),
        rule(
            .duplicateKey, "A key appears once in its mapping (YAML keeps only one of the values).",
            triggering: [
                RuleExample(
                    """
                    workflow: lead_intake
                    version: 1
                    trigger: lead.created
                    entry_stage: nieuwe_lead
                    sla_hours: 4
                    fallback_owner: ROLE_SALES
                    ↓sla_hours: 8
                    actions:
                      - id: welcome
                        type: email
                        template: lead_welcome
                        ↓template: proposal_reminder

                    """)
            ]),
        rule(
            .unknownKey, "Every key is one the format knows for its place (with a \"did you mean\").",
            triggering: [
                RuleExample(
                    """
                    workflow: lead_intake
                    version: 1
                    trigger: lead.created
                    entry_stage: nieuwe_lead
                    sla_hours: 4
                    fallback_owner: ROLE_SALES
                    ↓owner: ROLE_SALES
                    actions:
                      - id: welcome
                        type: email
                        template: lead_welcome
                        ↓after_hour: 2

                    """)
            ]),
        rule(
            .missingKey,
            "The workflow has workflow, version, trigger, entry_stage, sla_hours, fallback_owner and actions; every action an id and a type.",
            triggering: [
                RuleExample(
                    """
                    ↓workflow: lead_intake
                    version: 1
                    trigger: lead.created
                    entry_stage: nieuwe_lead
                    sla_hours: 4
                    actions:
                      - ↓type: wait
                        hours: 2

                    """)
            ]),
        rule(
            .type,
            "Each value has its type and range: snake_case ids, integer version, sla_hours > 0, after_hours ≥ 0, owners as roles or e-mail addresses.",
            triggering: [
                RuleExample(
                    """
                    workflow: lead_intake
                    version: ↓one
                    trigger: lead.created
                    entry_stage: nieuwe_lead
                    sla_hours: ↓"4"
                    fallback_owner: ↓ROLE_SALE
                    actions:
                      - id: welcome
                        type: email
                        template: lead_welcome
                        after_hours: ↓-1

                    """)
            ],
            nonTriggering: [
                RuleExample(
                    """
                    workflow: lead_intake
                    version: 2
                    trigger: lead.created
                    entry_stage: nieuwe_lead
                    sla_hours: 0.25
                    fallback_owner: operations-lead@mrdj.nl
                    actions:
                      - id: welcome
                        type: email
                        template: lead_welcome
                        after_hours: 0

                    """)
            ]),
        rule(
            .unknownTrigger,
            "The trigger is lead.created, deal.stage.changed, payment.received or event.completed (legacy: a known family).",
            triggering: [
                RuleExample(clean.replacingOccurrences(of: "trigger: lead.created", with: "trigger: ↓lead.create")),
                RuleExample(
                    """
                    id: proposal_followup
                    triggers:
                      - deal.stage.proposal_sent
                      - ↓deal.won
                    entrypoint: crm.automations.proposal_followup

                    """, file: "automation/workflows/proposal_followup.yaml"),
            ]),
        rule(
            .unknownActionType, "An action's type is email, whatsapp, teams, task, wait, advance_stage or engine.",
            triggering: [
                RuleExample(clean.replacingOccurrences(of: "type: email", with: "type: ↓mail"))
            ]),
        rule(
            .missingParam,
            "An action has its type's required parameters (template, webhook, title, hours, to, entrypoint).",
            triggering: [
                RuleExample(
                    clean + """
                          - ↓id: wait_a_day
                            type: wait
                          - ↓id: alert
                            type: teams
                            webhook: teams_sales

                        """)
            ],
            nonTriggering: [
                RuleExample(
                    clean + """
                          - id: wait_a_day
                            type: wait
                            hours: 24
                          - id: alert
                            type: teams
                            webhook: teams_sales
                            message: "Nieuwe lead: bel binnen 4 uur"

                        """)
            ]),
        rule(
            .duplicateActionID, "Action ids are unique in a workflow (also after building blocks are pulled in).",
            triggering: [
                RuleExample(
                    clean + """
                          - id: ↓welcome
                            type: wait
                            hours: 2

                        """)
            ],
            nonTriggering: [
                RuleExample(
                    """
                    workflow: lead_intake
                    version: 1
                    trigger: lead.created
                    entry_stage: nieuwe_lead
                    sla_hours: 4
                    fallback_owner: ROLE_SALES
                    blocks:
                      nurture_sequence: &nurture_sequence
                        type: email
                        template: proposal_reminder
                        after_hours: 48
                    actions:
                      - <<: *nurture_sequence
                        id: reminder_1
                      - <<: *nurture_sequence
                        id: reminder_2
                        after_hours: 96

                    """)
            ]),
        rule(
            .undefinedAlias, "Every alias *name has an anchor &name before it.",
            triggering: [
                RuleExample(
                    clean + """
                          - ↓*capture_lead

                        """)
            ]),
        rule(
            .unusedAnchor, "Every anchor is used by an alias (an unused building block is probably a mistake).",
            triggering: [
                RuleExample(
                    """
                    workflow: lead_intake
                    version: 1
                    trigger: lead.created
                    entry_stage: nieuwe_lead
                    sla_hours: 4
                    fallback_owner: ROLE_SALES
                    blocks:
                      capture_lead: ↓&capture_lead
                        id: welcome
                        type: email
                        template: lead_welcome
                    actions:
                      - id: confirm
                        type: whatsapp
                        template: lead_confirmation

                    """)
            ],
            nonTriggering: [
                RuleExample(
                    """
                    workflow: lead_intake
                    version: 1
                    trigger: lead.created
                    entry_stage: nieuwe_lead
                    sla_hours: 4
                    fallback_owner: ROLE_SALES
                    blocks:
                      capture_lead: &capture_lead
                        - id: welcome
                          type: email
                          template: lead_welcome
                        - id: confirm
                          type: whatsapp
                          template: lead_confirmation
                    actions:
                      - *capture_lead

                    """)
            ]),
        rule(
            .aliasLimit,
            "Aliases are expanded within a bound: an alias bomb (\"billion laughs\") or an alias cycle is reported, never expanded.",
            triggering: [
                RuleExample(
                    clean + """
                        blocks:
                          a: &a [x, x, x, x, x, x, x, x, x, x]
                          b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
                          c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
                          d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
                          e: &e [↓*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
                          f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]

                        """),
                RuleExample(
                    clean + """
                        blocks:
                          loop: &loop
                            - ↓*loop

                        """),
            ]),
        rule(
            .conditionSyntax,
            "A condition (when:) parses: comparisons, in [list], and, or, not, parentheses, literals and field paths.",
            triggering: [
                RuleExample(
                    clean + """
                            when: lead.source ↓= "website"
                          - id: follow_up
                            type: wait
                            hours: 24
                            when: (lead.score > 10 and↓

                        """)
            ],
            nonTriggering: [
                RuleExample(
                    clean + """
                            when: (lead.score >= 10 or lead.source in ["website", "beurs"]) and not contact.gdpr_opt_in == false

                        """)
            ]),
        rule(
            .unknownField,
            "A condition reads only the fields its trigger provides (lead.* and contact.* on lead.created, …).",
            triggering: [
                RuleExample(
                    clean + """
                            when: ↓lead.sorce == "website" or ↓deal.value > 5000

                        """),
                // A condition folded over lines, plain or as a `>` block, is pointed at on the line of the token.
                RuleExample(
                    clean + """
                            when: lead.source == "website" and
                              lead.score > 10 and ↓contact.gdpr_optin
                          - id: follow_up
                            type: wait
                            hours: 24
                            when: >
                              lead.score > 10 and

                              ↓lead.bron == "beurs"

                        """),
            ]),
        rule(
            .conditionType,
            "A condition compares values of the same type and combines booleans (deal.value > \"5000\" compares a number with a string).",
            triggering: [
                RuleExample(
                    """
                    workflow: proposal_followup
                    version: 1
                    trigger: deal.stage.changed
                    entry_stage: offerte_uitgebracht
                    sla_hours: 1
                    fallback_owner: ROLE_SALES
                    actions:
                      - id: review
                        type: teams
                        webhook: teams_sales
                        template: director_review
                        when: contact.first_name == "Zoë €" and deal.value > ↓"5000"
                      - id: nudge
                        type: wait
                        hours: 2
                        when: "↓deal.value and to_stage == ↓5"

                    """, file: "automation/workflows/proposal_followup.yaml")
            ],
            nonTriggering: [
                RuleExample(
                    """
                    workflow: proposal_followup
                    version: 1
                    trigger: deal.stage.changed
                    entry_stage: offerte_uitgebracht
                    sla_hours: 1
                    fallback_owner: ROLE_SALES
                    actions:
                      - id: review
                        type: teams
                        webhook: teams_sales
                        template: director_review
                        when: deal.value > 5000 and to_stage == "offerte_uitgebracht"

                    """, file: "automation/workflows/proposal_followup.yaml")
            ]),
        rule(
            .unknownStage,
            "entry_stage, advance_stage and stage names in conditions (to_stage, from_stage, deal.stage) are stage keys of the tenant's pipeline (legacy: a stage runs the workflow).",
            triggering: [
                RuleExample(
                    clean.replacingOccurrences(of: "entry_stage: nieuwe_lead", with: "entry_stage: ↓Nieuwe Lead") + """
                          - id: next
                            type: advance_stage
                            to: ↓orientatie

                        """),
                RuleExample(
                    """
                    id: ↓nurture
                    triggers: [lead.created]
                    entrypoint: crm.automations.nurture

                    """, file: "automation/workflows/nurture.yaml"),
                RuleExample(
                    """
                    workflow: proposal_followup
                    version: 1
                    trigger: deal.stage.changed
                    entry_stage: offerte_uitgebracht
                    sla_hours: 1
                    fallback_owner: ROLE_SALES
                    actions:
                      - id: reminder
                        type: email
                        template: proposal_reminder
                        when: to_stage == ↓"offerte" or deal.stage in ["nieuwe_lead", ↓"Oriëntatie Gesprek"]

                    """, file: "automation/workflows/proposal_followup.yaml"),
            ]),
        rule(
            .unknownTemplate, "A template exists in the tenant's library (automation/templates/<channel>/<id>.*).",
            triggering: [
                RuleExample(
                    """
                    workflow: lead_intake
                    version: 1
                    trigger: lead.created
                    entry_stage: nieuwe_lead
                    sla_hours: 4
                    fallback_owner: ROLE_SALES
                    blocks:
                      capture_lead: &capture_lead
                        id: welcome
                        type: email
                        template: ↓lead_welkom
                    actions:
                      - ↓*capture_lead
                      - id: confirm
                        type: whatsapp
                        template: ↓lead_welcome

                    """)
            ]),
        rule(
            .unknownWebhook, "A teams action's webhook is one the tenant's crm.json defines.",
            triggering: [
                RuleExample(
                    clean + """
                          - id: alert
                            type: teams
                            webhook: ↓teams_sale
                            message: Nieuwe lead

                        """)
            ]),
        rule(
            .workflowIDMismatch, "The workflow id equals the file name.",
            triggering: [
                RuleExample(clean.replacingOccurrences(of: "workflow: lead_intake", with: "workflow: ↓lead_intak"))
            ]),
        rule(
            .legacyFormat,
            "The file is in the drafts' legacy shape (id, triggers, entrypoint): upgrade it with rg-crm workflows upgrade.",
            triggering: [
                RuleExample(
                    """
                    ↓id: lead_intake
                    triggers:
                      - lead.created
                    entrypoint: crm.automations.lead_intake
                    retry:
                      max_attempts: 5
                    metadata:
                      sla_minutes: 15
                      notifications:
                        email_template: lead_welcome

                    """)
            ]),
    ]
}
