using System.Text.RegularExpressions;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Core.Projects;
using LlmObserve.Web.Audit;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Feedback;

/// <summary>
/// Settings › Browser feedback as the page shows it: the project's feedback origins, edited as one origin a line, and
/// its browser keys, created and revoked through <see cref="BrowserAccessService"/>.
/// </summary>
public sealed partial class BrowserAccessViewModel(
    BrowserAccessService service,
    CurrentProject currentProject,
    AuditActor actor)
{
    public string? ProjectId { get; private set; }

    public bool IsLoaded { get; private set; }

    public BrowserAccessView? View { get; private set; }

    /// <summary>The origins as typed, one a line.</summary>
    public string OriginsText { get; set; } = string.Empty;

    /// <summary>Why the origins were not saved, one message a faulty line.</summary>
    public IReadOnlyList<string> OriginErrors { get; private set; } = [];

    public string NewKeyName { get; set; } = string.Empty;

    /// <summary>The key just created, shown once with how to use it.</summary>
    public BrowserKeyView? CreatedKey { get; private set; }

    public string? Notice { get; private set; }

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        ProjectId ??= await currentProject.GetIdAsync(cancellationToken);
        if (ProjectId is not null)
        {
            View = await service.GetAsync(ProjectId, cancellationToken);
            OriginsText = string.Join('\n', View.Origins);
        }

        IsLoaded = true;
    }

    public async Task SaveOriginsAsync(CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);
        if (ProjectId is null)
        {
            return;
        }

        var lines = OriginsText
            .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToList();
        var (view, errors) = await service.SetOriginsAsync(ProjectId, [.. lines], cancellationToken);
        if (view is null)
        {
            OriginErrors =
            [
                .. errors.Select(e => IndexOf(e.Field) is { } index && index < lines.Count
                    ? $"Line {index + 1} ('{lines[index]}'): {e.Message}"
                    : e.Message),
            ];
            Notice = null;
            return;
        }

        View = view;
        OriginsText = string.Join('\n', view.Origins);
        OriginErrors = [];
        await actor.RecordAsync(
            ProjectId,
            AuditActions.FeedbackOriginsChanged,
            null,
            new { origins = view.Origins },
            CancellationToken.None);
        Notice = view.Origins.Count == 0
            ? "Origins saved: none, so no web page may send feedback."
            : $"Origins saved: {string.Join(", ", view.Origins)}.";
    }

    public async Task CreateKeyAsync(CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);
        if (ProjectId is null)
        {
            return;
        }

        CreatedKey = await service.CreateKeyAsync(ProjectId, NewKeyName, cancellationToken);
        await actor.RecordAsync(
            ProjectId,
            AuditActions.BrowserKeyCreated,
            CreatedKey.PublicKey,
            new { name = CreatedKey.Name },
            CancellationToken.None);
        NewKeyName = string.Empty;
        View = await service.GetAsync(ProjectId, cancellationToken);
        Notice = null;
    }

    public async Task RevokeAsync(long keyId, CancellationToken cancellationToken)
    {
        await currentProject.RequireAsync(ProjectRole.Admin, cancellationToken);
        if (ProjectId is null)
        {
            return;
        }

        var revoked = await service.RevokeKeyAsync(ProjectId, keyId, cancellationToken);
        if (revoked)
        {
            await actor.RecordAsync(
                ProjectId,
                AuditActions.BrowserKeyRevoked,
                keyId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                null,
                CancellationToken.None);
        }

        View = await service.GetAsync(ProjectId, cancellationToken);
        if (CreatedKey?.Id == keyId)
        {
            CreatedKey = null;
        }

        Notice = revoked
            ? "Key revoked: feedback sent with it is refused from now on."
            : "That key no longer exists.";
    }

    private static int? IndexOf(string field)
        => FieldIndex().Match(field) is { Success: true } match ? int.Parse(match.Groups[1].Value) : null;

    [GeneratedRegex(@"^origins\[(\d+)\]$")]
    private static partial Regex FieldIndex();
}
