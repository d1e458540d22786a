namespace LlmObserve.Core.Alerts;

/// <summary>How often rules are evaluated and how failed deliveries are retried.</summary>
public sealed class AlertOptions
{
    /// <summary>Run the alert job at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seconds between evaluations of every enabled rule (and passes over due deliveries).</summary>
    public double EvaluationIntervalSeconds { get; set; } = 60;

    /// <summary>Seconds before the first retry of a failed delivery; each further retry waits twice as long.</summary>
    public double RetryBaseSeconds { get; set; } = 30;

    /// <summary>Longest wait between two attempts, in seconds.</summary>
    public double RetryMaxSeconds { get; set; } = 3600;

    /// <summary>Attempts of a delivery, the first included, before it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Seconds a webhook or SMTP server may take to answer one attempt.</summary>
    public double DeliveryTimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// The address users reach the app at (for example <c>https://llmobserve.example.com/</c>): links in notices
    /// are made absolute with it. Empty sends links relative to the app's root.
    /// </summary>
    public string PublicBaseUrl { get; set; } = string.Empty;
}

/// <summary>What is wrong with the alert settings, for the start-up check.</summary>
public static class AlertOptionsCheck
{
    public static IEnumerable<string> Problems(AlertOptions alerts)
    {
        if (!(alerts.EvaluationIntervalSeconds is >= 0.1 and <= 3600))
        {
            yield return "LlmObserve:Alerts:EvaluationIntervalSeconds must lie between 0.1 and 3600 "
                + $"(was {alerts.EvaluationIntervalSeconds}).";
        }

        if (!(alerts.RetryBaseSeconds > 0) || !(alerts.RetryMaxSeconds >= alerts.RetryBaseSeconds)
            || alerts.MaxAttempts < 1)
        {
            yield return "LlmObserve:Alerts:RetryBaseSeconds must be positive, RetryMaxSeconds at least as long, and "
                + $"MaxAttempts at least 1 (were {alerts.RetryBaseSeconds}, {alerts.RetryMaxSeconds}, "
                + $"{alerts.MaxAttempts}).";
        }

        if (!(alerts.DeliveryTimeoutSeconds is > 0 and <= 300))
        {
            yield return "LlmObserve:Alerts:DeliveryTimeoutSeconds must lie above 0 and at most 300 "
                + $"(was {alerts.DeliveryTimeoutSeconds}).";
        }

        if (!string.IsNullOrWhiteSpace(alerts.PublicBaseUrl)
            && (!Uri.TryCreate(alerts.PublicBaseUrl, UriKind.Absolute, out var address)
                || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)))
        {
            yield return $"LlmObserve:Alerts:PublicBaseUrl must be an absolute http(s) address (was "
                + $"'{alerts.PublicBaseUrl}').";
        }
    }
}
