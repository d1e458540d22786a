using System.Globalization;
using LlmObserve.Core.Accounts;
using LlmObserve.Core.Audit;
using LlmObserve.Web.Accounts;
using LlmObserve.Web.Projects;

namespace LlmObserve.Web.Audit;

/// <summary>
/// Settings › Audit log as the page shows it: the project's events newest first, a page at a time, filtered by
/// action and by a UTC time range typed as <c>yyyy-MM-dd HH:mm</c>. An instance admin also sees the events of no
/// project: sign-ins, lockouts, password changes.
/// </summary>
public sealed class AuditViewModel(
    AuditLog log,
    CurrentProject currentProject,
    SignedInUser user,
    ProjectAccessQueries access)
{
    private bool? _instanceAdmin;

    public const int PageSize = 50;
    public const string TimeFormat = "yyyy-MM-dd HH:mm";

    // The cursor each page was read from; the first page has none. Going back pops, so no page is read twice.
    private readonly List<long?> _cursors = [null];

    public string? ProjectId { get; private set; }

    public bool IsLoaded { get; private set; }

    /// <summary>The actions recorded in the project, for the filter.</summary>
    public IReadOnlyList<string> Actions { get; private set; } = [];

    /// <summary>The chosen action; empty: every action.</summary>
    public string Action { get; set; } = string.Empty;

    public string From { get; set; } = string.Empty;

    public string To { get; set; } = string.Empty;

    public IReadOnlyDictionary<string, string> Errors { get; private set; } = new Dictionary<string, string>();

    public AuditPage? Page { get; private set; }

    /// <summary>The page's number, from 1.</summary>
    public int PageNumber => _cursors.Count;

    public bool HasNewer => _cursors.Count > 1;

    public bool HasOlder => Page?.NextCursor is not null;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        ProjectId ??= await currentProject.GetIdAsync(cancellationToken);
        _instanceAdmin ??= await user.GetIdAsync() is { } userId
            && await access.IsInstanceAdminAsync(userId, cancellationToken);
        if (ProjectId is not null)
        {
            Actions = await log.ActionsAsync(ProjectId, cancellationToken, _instanceAdmin.Value);
            _cursors.Clear();
            _cursors.Add(null);
            await ReadAsync(cancellationToken);
        }

        IsLoaded = true;
    }

    /// <summary>Applies the filter from the first page on.</summary>
    public Task ApplyAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task OlderAsync(CancellationToken cancellationToken)
    {
        if (Page?.NextCursor is { } cursor)
        {
            _cursors.Add(cursor);
            await ReadAsync(cancellationToken);
        }
    }

    public async Task NewerAsync(CancellationToken cancellationToken)
    {
        if (_cursors.Count > 1)
        {
            _cursors.RemoveAt(_cursors.Count - 1);
            await ReadAsync(cancellationToken);
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>();
        var from = ParseTime(From, "from", errors);
        var to = ParseTime(To, "to", errors);
        Errors = errors;
        if (errors.Count > 0 || ProjectId is null)
        {
            return;
        }

        var filter = new AuditFilter(string.IsNullOrWhiteSpace(Action) ? null : Action, from, to);
        Page = await log.ListAsync(
            ProjectId,
            filter,
            _cursors[^1],
            PageSize,
            cancellationToken,
            _instanceAdmin == true);
    }

    private static DateTimeOffset? ParseTime(string text, string field, Dictionary<string, string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTime.TryParseExact(
                text.Trim(),
                TimeFormat,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var time))
        {
            return new DateTimeOffset(time, TimeSpan.Zero);
        }

        errors[field] = $"Write the time as {TimeFormat} (UTC), e.g. 2026-12-05 09:30.";
        return null;
    }
}
