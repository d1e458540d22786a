namespace LlmObserve.Web.Demo;

/// <summary>A help-centre article the demo assistant can retrieve.</summary>
internal sealed record DemoDocument(string Id, string Title, string Content);

/// <summary>A tool the assistant calls for some questions, with the arguments and result it sees.</summary>
internal sealed record DemoToolUse(string Name, string Description, string ArgumentsJson, string ResultJson);

/// <summary>
/// A customer question with the articles that answer it, an answer supported by them, and a plausible answer
/// that contradicts them (what a hallucinating model would say).
/// </summary>
internal sealed record DemoQuestion(
    string Text,
    string[] DocumentIds,
    string GroundedAnswer,
    string UngroundedAnswer,
    DemoToolUse? Tool = null);

/// <summary>A support topic: its articles, its questions, and how often it comes up before and after launch.</summary>
internal sealed record DemoTopic(
    string Name,
    double WeightBefore,
    double WeightAfter,
    DemoDocument[] Documents,
    DemoQuestion[] Questions);

/// <summary>
/// What the demo assistant knows: the help centre of "Nimbus", a team workspace app. Two days before now the
/// product launched "Recap" (AI meeting summaries), so questions about it replace much of the usual mix.
/// </summary>
internal static class DemoCatalog
{
    public const string ServiceName = "support-assistant";
    public const string AgentName = "support-assistant";
    public const string DataSource = "nimbus-help-center";
    public const string NewFeatureTopic = "recap";
    public const string ReleaseBefore = "2026.11.4";
    public const string ReleaseAfter = "2026.12.0";

    public const string SystemPrompt =
        "You are Nimbus Support, the assistant of the Nimbus workspace app. Answer only from the context. "
        + "If the context does not answer the question, say so and offer to hand over to a human agent. "
        + "Be brief and friendly.";

    public static readonly string[] Openers = ["", "", "Hi! ", "Hello! ", "Quick question: ", "Hey there. "];

    public static readonly string[] Closers = ["", "", "", " Thanks!", " Thank you.", " Please help."];

    public static readonly DemoTopic[] Topics =
    [
        new(
            "billing",
            WeightBefore: 0.35,
            WeightAfter: 0.15,
            [
                new("kb-billing-01", "Refund policy",
                    "Annual plans can be refunded in full within 30 days of purchase. Monthly plans are not "
                    + "refunded, but you can cancel at any time and keep access until the end of the billing period."),
                new("kb-billing-02", "Invoices",
                    "Invoices are emailed to the billing contact on the 1st of each month and can be downloaded as "
                    + "PDF under Settings > Billing > Invoices. Changes to the billing profile (company name, VAT "
                    + "number) apply to future invoices only."),
                new("kb-billing-03", "Changing plans",
                    "Upgrades take effect immediately and are prorated. Downgrades take effect at the next renewal "
                    + "date. Seats can be added at any time; removing seats lowers the next invoice."),
                new("kb-billing-04", "Payment methods",
                    "Nimbus accepts Visa, Mastercard, American Express and SEPA direct debit. Payment by bank "
                    + "transfer is available on the Business plan from 20 seats."),
            ],
            [
                new("Can I get a refund for my annual plan? I bought it two weeks ago.",
                    ["kb-billing-01", "kb-billing-03"],
                    "Yes. Annual plans can be refunded in full within 30 days of purchase, and your plan was bought "
                    + "two weeks ago, so you are eligible. I can pass the request to our billing team now.",
                    "Yes. Annual plans can be refunded in full within 90 days, and monthly plans get a prorated "
                    + "refund for the unused days.",
                    new("lookup_subscription", "Looks up the customer's plan and purchase date.",
                        """{"account_id":"acct_48213"}""",
                        """{"plan":"Team annual","purchased_days_ago":14,"seats":12}""")),
                new("Where can I download my invoices?",
                    ["kb-billing-02"],
                    "Every invoice can be downloaded as a PDF under Settings > Billing > Invoices. They are also "
                    + "emailed to your billing contact on the 1st of each month.",
                    "Invoices are only available on request: email billing@nimbus.example and they arrive within "
                    + "five business days."),
                new("How do I change the VAT number on my invoices?",
                    ["kb-billing-02"],
                    "Edit the billing profile under Settings > Billing. The new VAT number appears on all future "
                    + "invoices; invoices already issued stay as they are.",
                    "Update the VAT number in your profile and all past invoices are reissued automatically."),
                new("If we downgrade from Business to Team, when does it apply?",
                    ["kb-billing-03"],
                    "A downgrade takes effect at your next renewal date, so you keep the Business features until then.",
                    "Downgrades apply immediately and the difference is refunded to your card the same day."),
                new("Do you accept PayPal?",
                    ["kb-billing-04"],
                    "Not at the moment. Nimbus accepts Visa, Mastercard, American Express and SEPA direct debit, and "
                    + "bank transfer on the Business plan from 20 seats.",
                    "Yes, PayPal and Apple Pay are both accepted at checkout."),
            ]),
        new(
            "access",
            WeightBefore: 0.30,
            WeightAfter: 0.12,
            [
                new("kb-access-01", "Reset your password",
                    "Use 'Forgot password' on the sign-in page. The reset link is valid for 60 minutes. If no email "
                    + "arrives within 10 minutes, check spam or ask your workspace admin to send a reset."),
                new("kb-access-02", "Two-factor authentication",
                    "2FA works with an authenticator app or a hardware key. If you lose your device, use one of the "
                    + "ten backup codes shown when 2FA was turned on. Admins can reset 2FA for members."),
                new("kb-access-03", "Locked accounts",
                    "After 5 failed sign-in attempts an account is locked for 15 minutes. Admins can unlock "
                    + "accounts on the Members page."),
                new("kb-access-04", "Single sign-on",
                    "Business workspaces can enforce SSO with a SAML provider. When SSO is enforced, passwords "
                    + "cannot be reset in Nimbus; members contact their identity provider instead."),
            ],
            [
                new("I forgot my password, how do I reset it?",
                    ["kb-access-01"],
                    "Click 'Forgot password' on the sign-in page and follow the link we email you. The link is "
                    + "valid for 60 minutes; if nothing arrives within 10 minutes, check your spam folder.",
                    "Click 'Forgot password'. The reset link stays valid for 7 days, so there is no rush.",
                    new("send_password_reset", "Sends a password reset email to a member.",
                        """{"email":"member@customer.example"}""",
                        """{"sent":true,"expires_in_minutes":60}""")),
                new("The password reset email never arrived.",
                    ["kb-access-01", "kb-access-04"],
                    "Please check your spam folder first. If your workspace enforces single sign-on, passwords are "
                    + "managed by your identity provider, so no reset email is sent; your IT team can help.",
                    "Reset emails can take up to 24 hours at busy times; please wait a day before trying again."),
                new("I lost my phone and can't get my 2FA code.",
                    ["kb-access-02"],
                    "Use one of the ten backup codes shown when you turned on 2FA. Without them, a workspace admin "
                    + "can reset 2FA for your account.",
                    "Send us a photo of your ID and our team will switch off 2FA for you within an hour."),
                new("My account says it is locked.",
                    ["kb-access-03"],
                    "After 5 failed sign-in attempts an account is locked for 15 minutes. Wait 15 minutes and try "
                    + "again, or ask an admin to unlock you on the Members page.",
                    "Locked accounts stay locked for 24 hours and only Nimbus support can unlock them."),
            ]),
        new(
            "integrations",
            WeightBefore: 0.15,
            WeightAfter: 0.08,
            [
                new("kb-int-01", "Slack",
                    "Workspace admins connect Slack under Settings > Integrations. Nimbus then posts task updates "
                    + "to the channels they choose."),
                new("kb-int-02", "Calendar sync",
                    "Google Calendar and Outlook sync every 15 minutes. Private events from your calendar are shown "
                    + "as 'Busy' in Nimbus."),
                new("kb-int-03", "API",
                    "API tokens are created under Settings > API. The API allows 600 requests per minute per "
                    + "workspace. A token has the permissions of the member who created it."),
            ],
            [
                new("How do I connect Slack?",
                    ["kb-int-01"],
                    "A workspace admin connects Slack under Settings > Integrations and picks the channels that get "
                    + "task updates.",
                    "Any member can connect Slack from their profile, and updates go to every channel."),
                new("My Google Calendar events show up late in Nimbus.",
                    ["kb-int-02"],
                    "Calendar sync runs every 15 minutes, so a new event can take up to 15 minutes to appear.",
                    "Calendar sync is instant; a delay means your token expired and you must reconnect."),
                new("What is the API rate limit?",
                    ["kb-int-03"],
                    "The API allows 600 requests per minute per workspace.",
                    "The API allows 10,000 requests per hour per token."),
            ]),
        new(
            "account",
            WeightBefore: 0.20,
            WeightAfter: 0.10,
            [
                new("kb-account-01", "Delete your account",
                    "Members delete their account under Profile > Delete account. Workspace owners must transfer "
                    + "ownership first. Deleted data is removed after 30 days."),
                new("kb-account-02", "Change your email",
                    "Change the sign-in email under Profile > Email. A confirmation link goes to the new address; "
                    + "the change applies once it is confirmed."),
                new("kb-account-03", "Export data",
                    "Admins export all workspace data as JSON or CSV under Settings > Export. Exports over 1 GB are "
                    + "split into several files."),
            ],
            [
                new("How can I delete my account?",
                    ["kb-account-01"],
                    "Go to Profile > Delete account. If you own the workspace, transfer ownership first. Your data "
                    + "is removed 30 days after deletion.",
                    "Deletion is immediate and permanent, and owners can delete their account without transferring "
                    + "the workspace."),
                new("I want to change my login email.",
                    ["kb-account-02"],
                    "Change it under Profile > Email. We send a confirmation link to the new address, and the change "
                    + "applies once you confirm it.",
                    "Only support can change a login email; send us the old and new address."),
                new("Can I export all our projects?",
                    ["kb-account-03"],
                    "Yes. An admin can export all workspace data as JSON or CSV under Settings > Export; I have "
                    + "started a CSV export for you.",
                    "Exports are limited to 10 projects at a time and only as PDF.",
                    new("start_export", "Starts an export of the workspace.",
                        """{"format":"csv","scope":"workspace"}""",
                        """{"export_id":"exp_7731","status":"queued"}""")),
            ]),
        new(
            NewFeatureTopic,
            WeightBefore: 0.0,
            WeightAfter: 0.55,
            [
                new("kb-recap-01", "Nimbus Recap",
                    "Recap joins your video meetings (Zoom, Google Meet, Microsoft Teams), writes a summary with "
                    + "decisions and action items, and adds the action items as tasks. It is included in the Team "
                    + "and Business plans."),
                new("kb-recap-02", "Turning Recap on",
                    "An admin turns Recap on under Settings > AI features. Each member then connects a calendar and "
                    + "chooses which meetings Recap may join: all, only those they organise, or none."),
                new("kb-recap-03", "Recap languages",
                    "Recap summarises meetings held in English, German, French and Spanish. Meetings in other "
                    + "languages are transcribed but not summarised."),
                new("kb-recap-04", "Recap and your data",
                    "Recordings are deleted once the summary is written. Transcripts are kept for 30 days and "
                    + "summaries until you delete them. Recap data is never used to train models."),
                new("kb-recap-05", "Recap limits",
                    "Team plans include 20 hours of Recap per member per month; Business plans are unlimited. "
                    + "Meetings longer than 4 hours are not summarised."),
            ],
            [
                new("How do I turn on Recap for my team?",
                    ["kb-recap-02", "kb-recap-01"],
                    "An admin turns Recap on under Settings > AI features. Then each member connects a calendar and "
                    + "chooses which meetings Recap may join.",
                    "Recap is on for everyone automatically and joins every meeting in the workspace."),
                new("Does Recap work with Microsoft Teams meetings?",
                    ["kb-recap-01"],
                    "Yes. Recap joins Zoom, Google Meet and Microsoft Teams meetings.",
                    "Not yet: Recap works with Zoom only; Teams support is planned for next year."),
                new("Can Recap summarise our meetings in Italian?",
                    ["kb-recap-03"],
                    "Not yet. Recap summarises meetings in English, German, French and Spanish; Italian meetings are "
                    + "transcribed but not summarised.",
                    "Yes, Recap summarises meetings in more than 30 languages, Italian included."),
                new("Are our meeting recordings used to train your AI?",
                    ["kb-recap-04"],
                    "No. Recap data is never used to train models. Recordings are deleted once the summary is "
                    + "written, and transcripts are kept for 30 days.",
                    "Only anonymised recordings are used to improve the models, and you can opt out in settings."),
                new("Why didn't Recap summarise my five-hour workshop?",
                    ["kb-recap-05"],
                    "Meetings longer than 4 hours are not summarised, so the five-hour workshop was skipped.",
                    "Recap summarises meetings of any length; the workshop probably had no calendar invite."),
                new("How many hours of Recap do we get on the Team plan?",
                    ["kb-recap-05"],
                    "The Team plan includes 20 hours of Recap per member per month; you have used 12.5 hours so far "
                    + "this month.",
                    "The Team plan includes 100 hours of Recap per workspace per month.",
                    new("get_recap_usage", "Reads a member's Recap usage this month.",
                        """{"member_id":"mem_2291"}""",
                        """{"used_hours":12.5,"limit_hours":20}""")),
            ]),
    ];

    public static IReadOnlyDictionary<string, DemoDocument> DocumentsById { get; } =
        Topics.SelectMany(t => t.Documents).ToDictionary(d => d.Id, StringComparer.Ordinal);

    /// <summary>A model the assistant runs on, and how fast it writes.</summary>
    internal sealed record DemoModel(string Provider, string RequestModel, string ResponseModel, double MsPerToken);

    public static readonly DemoModel MainModel = new("openai", "gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 11);

    public static readonly DemoModel TrialModel = new("anthropic", "claude-haiku-4-5", "claude-haiku-4-5-20251001", 14);

    /// <summary>How a model call fails, as the provider's client reports it.</summary>
    internal sealed record DemoFailure(string ErrorType, string Message, string Stacktrace);

    public static readonly DemoFailure[] Failures =
    [
        new("RateLimitError",
            "Error code: 429 - Rate limit reached for requests per minute. Please retry after 2 s.",
            "Traceback (most recent call last):\n  File \"assistant/answer.py\", line 88, in answer\n"
            + "    response = client.chat.completions.create(**request)\n"
            + "RateLimitError: Error code: 429"),
        new("APITimeoutError",
            "Request timed out after 30 s.",
            "Traceback (most recent call last):\n  File \"assistant/answer.py\", line 88, in answer\n"
            + "    response = client.chat.completions.create(**request)\n"
            + "APITimeoutError: Request timed out."),
        new("InternalServerError",
            "Error code: 500 - The server had an error while processing your request.",
            "Traceback (most recent call last):\n  File \"assistant/answer.py\", line 88, in answer\n"
            + "    response = client.chat.completions.create(**request)\n"
            + "InternalServerError: Error code: 500"),
    ];
}
