/// The contract between the workflow linter and the template library (issues 4 and 5): the template ids the shipped
/// workflows name, per channel, each a file `automation/templates/<channel>/<id>.<ext>`. One list for both sides' tests.
public enum TemplateContract {
    public static let workflowTemplateIDs: [String: [String]] = [
        "email": [
            "lead_welcome", "lead_followup_reminder", "proposal_sent", "proposal_reminder", "proposal_last_call",
            "event_thank_you", "event_review_request",
        ],
        "whatsapp": ["lead_confirmation", "proposal_nudge", "event_feedback"],
        "teams": ["new_lead_alert", "director_review", "event_debrief"],
    ]
}
