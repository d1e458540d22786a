using LlmObserve.Core;
using LlmObserve.Core.Drift.Features;
using LlmObserve.Core.Drift.Monitors;
using Microsoft.Extensions.Options;

namespace LlmObserve.Web.Hosting;

internal static class OptionsServiceCollectionExtensions
{
    public static IServiceCollection AddLlmObserveOptions(
        this IServiceCollection services,
        IConfiguration configuration)
    {
        // A value of the wrong type would make the binder throw on the first one, with a stack trace; report them all.
        var typeFaults = ConfigurationTypeCheck.Faults<LlmObserveOptions>(
            configuration.GetSection(LlmObserveOptions.SectionName));
        if (typeFaults.Count > 0)
        {
            throw new OptionsValidationException(string.Empty, typeof(LlmObserveOptions), typeFaults);
        }

        services.AddSingleton(TimeProvider.System);
        services.AddOptions<LlmObserveOptions>()
            .Bind(configuration.GetSection(LlmObserveOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LlmObserveOptions>, LlmObserveOptionsValidator>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<LlmObserveOptions>>().Value);

        return services;
    }
}

/// <summary>Checks every setting at start and reports all faults at once.</summary>
internal sealed class LlmObserveOptionsValidator : IValidateOptions<LlmObserveOptions>
{
    private const int MinSecretLength = 16;

    public ValidateOptionsResult Validate(string? name, LlmObserveOptions options)
    {
        var errors = new List<string>();
        var ingestion = options.Ingestion;

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("LlmObserve:DataDirectory must name a folder.");
        }

        if (ingestion.MaxRequestBytes < 1024)
        {
            errors.Add(
                $"LlmObserve:Ingestion:MaxRequestBytes must be at least 1024 (was {ingestion.MaxRequestBytes}).");
        }

        if (ingestion.MaxFieldChars < 64)
        {
            errors.Add($"LlmObserve:Ingestion:MaxFieldChars must be at least 64 (was {ingestion.MaxFieldChars}).");
        }

        if (ingestion.MaxAttributeChars < 64)
        {
            errors.Add(
                $"LlmObserve:Ingestion:MaxAttributeChars must be at least 64 (was {ingestion.MaxAttributeChars}).");
        }

        if (ingestion.MaxQueuedSpans < 1 || ingestion.MaxSpansPerCommit < 1)
        {
            errors.Add("LlmObserve:Ingestion:MaxQueuedSpans and MaxSpansPerCommit must be positive.");
        }

        if (ingestion.RetryAfterSeconds < 1)
        {
            errors.Add(
                $"LlmObserve:Ingestion:RetryAfterSeconds must be at least 1 (was {ingestion.RetryAfterSeconds}).");
        }

        if (ingestion.SearchIndexDelayMs < 0 || ingestion.SearchIndexMaxDelayMs < ingestion.SearchIndexDelayMs
            || ingestion.SearchIndexMaxDelayMs > 60_000)
        {
            errors.Add(
                "LlmObserve:Ingestion:SearchIndexDelayMs must not be negative and SearchIndexMaxDelayMs must lie "
                + $"between it and 60000 (were {ingestion.SearchIndexDelayMs} and {ingestion.SearchIndexMaxDelayMs}).");
        }

        AddRetentionErrors(options.Retention, errors);

        if (ingestion.SearchIndexMaxTraces < 1)
        {
            errors.Add(
                $"LlmObserve:Ingestion:SearchIndexMaxTraces must be positive (was {ingestion.SearchIndexMaxTraces}).");
        }

        if (!(options.Feedback.LinkIntervalSeconds is >= 0.1 and <= 3600))
        {
            errors.Add(
                "LlmObserve:Feedback:LinkIntervalSeconds must lie between 0.1 and 3600 "
                + $"(was {options.Feedback.LinkIntervalSeconds}).");
        }

        var feedback = options.Feedback;
        if (!(feedback.InferenceIntervalSeconds is >= 0.1 and <= 3600)
            || !(feedback.InferenceSettleSeconds is >= 0 and <= 3600))
        {
            errors.Add(
                "LlmObserve:Feedback:InferenceIntervalSeconds must lie between 0.1 and 3600 and InferenceSettleSeconds "
                + $"between 0 and 3600 (were {feedback.InferenceIntervalSeconds} and "
                + $"{feedback.InferenceSettleSeconds}).");
        }

        if (!(feedback.RephraseSimilarity is > 0 and <= 1))
        {
            errors.Add(
                "LlmObserve:Feedback:RephraseSimilarity must lie above 0 and at most 1 "
                + $"(was {feedback.RephraseSimilarity}).");
        }

        if (!(feedback.SessionIdleMinutes is > 0 and <= 10080))
        {
            errors.Add(
                "LlmObserve:Feedback:SessionIdleMinutes must lie above 0 and at most 10080 "
                + $"(was {feedback.SessionIdleMinutes}).");
        }

        errors.AddRange(Core.Alerts.AlertOptionsCheck.Problems(options.Alerts));

        var synchronous = options.Storage.Synchronous.ToUpperInvariant();
        if (synchronous is not ("FULL" or "NORMAL" or "EXTRA"))
        {
            errors.Add(
                $"LlmObserve:Storage:Synchronous must be FULL, NORMAL or EXTRA (was '{options.Storage.Synchronous}').");
        }

        var init = options.Init;
        if (string.IsNullOrEmpty(init.PublicKey) != string.IsNullOrEmpty(init.SecretKey))
        {
            errors.Add("LlmObserve:Init:PublicKey and LlmObserve:Init:SecretKey must be set together.");
        }

        if (!string.IsNullOrEmpty(init.SecretKey) && init.SecretKey.Length < MinSecretLength)
        {
            errors.Add($"LlmObserve:Init:SecretKey must be at least {MinSecretLength} characters; use a random one.");
        }

        ValidateAuth(options, errors);

        var demo = options.Demo;
        if (demo.HistoryDays < 0 || demo.HistoryTracesPerHour < 0 || demo.LiveIntervalSeconds <= 0)
        {
            errors.Add("LlmObserve:Demo settings must not be negative, and LiveIntervalSeconds must be positive.");
        }

        ValidateEvaluation(options.Evaluation, errors);
        if (options.Calibration.MinimumPairs is < 1 or > 100_000
            || !(options.Calibration.PassThreshold is > 0 and <= 1))
        {
            errors.Add(
                "LlmObserve:Calibration:MinimumPairs must lie from 1 to 100000 and PassThreshold above 0 and at most 1 "
                + $"(were {options.Calibration.MinimumPairs} and {options.Calibration.PassThreshold}).");
        }

        ValidateDriftFeatures(options.Drift.Features, errors);
        ValidateDriftMonitors(options.Drift.Monitors, errors);
        if (options.Quality.FailingLabelSet().Count == 0)
        {
            errors.Add("LlmObserve:Quality:FailingLabels must name at least one label (comma-separated).");
        }

        if (options.Security.MaxRequestBodyBytes < 1024)
        {
            errors.Add("LlmObserve:Security:MaxRequestBodyBytes must be at least 1024 "
                + $"(was {options.Security.MaxRequestBodyBytes}).");
        }

        if (options.Security.MaxHubMessageBytes < 1024)
        {
            errors.Add("LlmObserve:Security:MaxHubMessageBytes must be at least 1024 "
                + $"(was {options.Security.MaxHubMessageBytes}).");
        }

        errors.AddRange(LlmObserve.Core.Outbound.OutboundPolicy.ValidateAllowedHosts(options.Outbound.AllowedHosts));

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateAuth(LlmObserveOptions options, List<string> errors)
    {
        var auth = options.Auth;
        if (auth.LockoutFailures is < 1 or > 100)
        {
            errors.Add($"LlmObserve:Auth:LockoutFailures must be between 1 and 100 (was {auth.LockoutFailures}).");
        }

        if (auth.LockoutMinutes is <= 0 or > 7 * 24 * 60)
        {
            errors.Add(
                $"LlmObserve:Auth:LockoutMinutes must be above 0 and at most a week (was {auth.LockoutMinutes}).");
        }

        if (auth.SessionHours is <= 0 or > 24 * 30)
        {
            errors.Add($"LlmObserve:Auth:SessionHours must be above 0 and at most 720 (was {auth.SessionHours}).");
        }

        if (auth.PasswordMinLength is < 8 or > 128)
        {
            errors.Add($"LlmObserve:Auth:PasswordMinLength must be between 8 and 128 (was {auth.PasswordMinLength}).");
        }

        var init = options.Init;
        if (string.IsNullOrWhiteSpace(init.AdminEmail) != string.IsNullOrEmpty(init.AdminPassword))
        {
            errors.Add("LlmObserve:Init:AdminEmail and LlmObserve:Init:AdminPassword must be set together.");
        }

        if (!string.IsNullOrWhiteSpace(init.AdminEmail) && !init.AdminEmail.Contains('@', StringComparison.Ordinal))
        {
            errors.Add("LlmObserve:Init:AdminEmail must be an e-mail address.");
        }

        if (!string.IsNullOrEmpty(init.AdminPassword) && init.AdminPassword.Length < auth.PasswordMinLength)
        {
            errors.Add(
                $"LlmObserve:Init:AdminPassword must be at least {auth.PasswordMinLength} characters "
                + "(LlmObserve:Auth:PasswordMinLength).");
        }

        var oidc = auth.Oidc;
        if (!oidc.Enabled)
        {
            if (!string.IsNullOrWhiteSpace(oidc.ClientId) || !string.IsNullOrWhiteSpace(oidc.ClientSecret))
            {
                errors.Add("LlmObserve:Auth:Oidc:ClientId is set but LlmObserve:Auth:Oidc:Authority is empty.");
            }

            return;
        }

        if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority)
            || authority.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"LlmObserve:Auth:Oidc:Authority must be an absolute https:// URL (was '{oidc.Authority}').");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            errors.Add("LlmObserve:Auth:Oidc:ClientId is required when LlmObserve:Auth:Oidc:Authority is set.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientSecret))
        {
            errors.Add("LlmObserve:Auth:Oidc:ClientSecret is required when LlmObserve:Auth:Oidc:Authority is set.");
        }
    }

    private static void ValidateDriftFeatures(TraceFeatureOptions features, List<string> errors)
    {
        const string Section = "LlmObserve:Drift:Features:";
        if (!(features.SamplingRate >= 0 && features.SamplingRate <= 1))
        {
            errors.Add($"{Section}SamplingRate must lie between 0 and 1 (was {features.SamplingRate}).");
        }

        if (!(features.IntervalSeconds >= 0.1 && features.IntervalSeconds <= 3600))
        {
            errors.Add($"{Section}IntervalSeconds must lie between 0.1 and 3600 (was {features.IntervalSeconds}).");
        }

        if (!(features.SettleSeconds >= 0 && features.SettleSeconds <= 3600))
        {
            errors.Add($"{Section}SettleSeconds must lie between 0 and 3600 (was {features.SettleSeconds}).");
        }

        if (features.BatchSize < 1 || features.ScanSize < 1 || features.Concurrency < 1)
        {
            errors.Add($"{Section}BatchSize, ScanSize and Concurrency must be at least 1.");
        }

        if (!(features.BackfillDays >= 0 && features.BackfillDays <= 400))
        {
            errors.Add($"{Section}BackfillDays must lie between 0 and 400 (was {features.BackfillDays}).");
        }

        if (!(features.MaxRunSeconds >= 1))
        {
            errors.Add($"{Section}MaxRunSeconds must be at least 1 (was {features.MaxRunSeconds}).");
        }

        if (!Enum.IsDefined(features.LanguageAccuracy))
        {
            errors.Add($"{Section}LanguageAccuracy must be Low or High.");
        }
    }

    private static void ValidateDriftMonitors(DriftMonitorOptions monitors, List<string> errors)
    {
        const string Section = "LlmObserve:Drift:Monitors:";
        if (!(monitors.PollSeconds >= 0.1 && monitors.PollSeconds <= 3600))
        {
            errors.Add($"{Section}PollSeconds must lie between 0.1 and 3600 (was {monitors.PollSeconds}).");
        }

        if (monitors.MaxTracesPerWindow is < 1 or > TraceFeatureWindowQuery.MaxMaxTraces
            || monitors.EmbeddingSamplePerWindow is < 1 or > TraceFeatureWindowQuery.MaxMaxTraces)
        {
            errors.Add($"{Section}MaxTracesPerWindow and EmbeddingSamplePerWindow must lie between 1 and "
                + $"{TraceFeatureWindowQuery.MaxMaxTraces}.");
        }

        if (monitors.MmdSamplePerWindow < 2 || monitors.ProjectionPointsPerWindow < 1)
        {
            errors.Add($"{Section}MmdSamplePerWindow must be at least 2 and ProjectionPointsPerWindow at least 1.");
        }
    }

    private static void ValidateEvaluation(EvaluationOptions evaluation, List<string> errors)
    {
        if (!(evaluation.IntervalSeconds >= 0.1 && evaluation.IntervalSeconds <= 3600))
        {
            errors.Add("LlmObserve:Evaluation:IntervalSeconds must lie between 0.1 and 3600 "
                + $"(was {evaluation.IntervalSeconds}).");
        }

        if (!(evaluation.SettleSeconds >= 0 && evaluation.SettleSeconds <= 3600))
        {
            errors.Add("LlmObserve:Evaluation:SettleSeconds must lie between 0 and 3600 "
                + $"(was {evaluation.SettleSeconds}).");
        }

        if (evaluation.BatchSize < 1 || evaluation.ScanSize < 1)
        {
            errors.Add("LlmObserve:Evaluation:BatchSize and ScanSize must be positive.");
        }

        if (evaluation.OfflineConcurrency < 1 || evaluation.JudgeConcurrency < 1)
        {
            errors.Add("LlmObserve:Evaluation:OfflineConcurrency and JudgeConcurrency must be at least 1.");
        }

        if (evaluation.MaxAttempts < 1)
        {
            errors.Add($"LlmObserve:Evaluation:MaxAttempts must be at least 1 (was {evaluation.MaxAttempts}).");
        }

        if (!(evaluation.RetryDelaySeconds >= 0) || !(evaluation.MaxRetryDelaySeconds >= evaluation.RetryDelaySeconds))
        {
            errors.Add("LlmObserve:Evaluation:RetryDelaySeconds must not be negative, and MaxRetryDelaySeconds must be "
                + "at least it.");
        }

        if (!(evaluation.LeaseSeconds >= 1) || !(evaluation.MaxRunSeconds >= 1))
        {
            errors.Add("LlmObserve:Evaluation:LeaseSeconds and MaxRunSeconds must be at least 1.");
        }
    }

    private static void AddRetentionErrors(Core.Projects.RetentionOptions retention, List<string> errors)
    {
        if (retention.IntervalSeconds is < 1 or > 86_400 * 7)
        {
            errors.Add(
                "LlmObserve:Retention:IntervalSeconds must lie between 1 and 604800 "
                + $"(was {retention.IntervalSeconds}).");
        }

        if (retention.BatchTraces < 1 || retention.BatchRows < 1)
        {
            errors.Add(
                "LlmObserve:Retention:BatchTraces and BatchRows must be positive "
                + $"(were {retention.BatchTraces} and {retention.BatchRows}).");
        }

        if (retention.PauseMs is < 0 or > 60_000)
        {
            errors.Add($"LlmObserve:Retention:PauseMs must lie between 0 and 60000 (was {retention.PauseMs}).");
        }

        if (retention.DeletedProjectGraceSeconds < 0 || retention.DeletedProjectPollSeconds < 1)
        {
            errors.Add(
                "LlmObserve:Retention:DeletedProjectGraceSeconds must not be negative and DeletedProjectPollSeconds "
                + $"must be at least 1 (were {retention.DeletedProjectGraceSeconds} and "
                + $"{retention.DeletedProjectPollSeconds}).");
        }
    }
}
