namespace LlmObserve.Core.Annotation;

/// <summary>A set of traces for people to label, with what to label (its score configurations).</summary>
public sealed class AnnotationQueue
{
    public required string Id { get; set; }

    public required string ProjectId { get; set; }

    public required string Name { get; set; }

    /// <summary>The trace-list query the traces were picked with (empty: all traces).</summary>
    public string Filter { get; set; } = string.Empty;

    /// <summary>When set, the items are a random sample of this many of the matching traces.</summary>
    public int? SampleSize { get; set; }

    /// <summary>How many reviewers label each item; 1 makes an item single-review.</summary>
    public int ReviewsPerItem { get; set; } = 1;

    /// <summary>How long a reviewer holds an item before another may take it.</summary>
    public int LeaseSeconds { get; set; } = 300;

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>What a reviewer gives for one score name of a queue.</summary>
public sealed class ScoreConfig
{
    public long Id { get; set; }

    public required string QueueId { get; set; }

    /// <summary>The score name the label is stored under.</summary>
    public required string Name { get; set; }

    /// <summary>One of <see cref="ScoreConfigKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>Categorical: the labels, separated by <c>|</c>.</summary>
    public string? Labels { get; set; }

    public double? Min { get; set; }

    public double? Max { get; set; }

    public int Position { get; set; }

    public IReadOnlyList<string> LabelList
        => Labels?.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}

/// <summary>A trace in a queue.</summary>
public sealed class AnnotationItem
{
    public long Id { get; set; }

    public required string QueueId { get; set; }

    public required string TraceId { get; set; }

    public int Position { get; set; }
}

/// <summary>
/// One reviewer's hold on, and then work on, an item: leased until <see cref="ExpiresAt"/>, then done or skipped.
/// </summary>
public sealed class AnnotationLease
{
    public long Id { get; set; }

    public long ItemId { get; set; }

    /// <summary>The reviewer's id (<see cref="Reviewer.Id"/>).</summary>
    public required string Reviewer { get; set; }

    public required string ReviewerName { get; set; }

    /// <summary>One of <see cref="AnnotationLeaseStates"/>.</summary>
    public required string State { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

public static class AnnotationLeaseStates
{
    public const string Leased = "leased";
    public const string Done = "done";
    public const string Skipped = "skipped";
}

public static class ScoreConfigKinds
{
    public const string Boolean = "boolean";
    public const string Categorical = "categorical";
    public const string Numeric = "numeric";
    public const string Text = "text";

    public static IReadOnlyList<string> All { get; } = [Boolean, Categorical, Numeric, Text];
}

/// <summary>
/// Who is reviewing: a signed-in account (id <c>user:&lt;account id&gt;</c>, shown by its e-mail), so nobody can work
/// under another person's name; or, for scripts calling with a project key, the name they send (id
/// <c>name:&lt;name&gt;</c>). Items held and labels given under either kind of id stay as they are.
/// </summary>
public sealed record Reviewer(string Id, string Name)
{
    public const int MaxNameLength = 80;

    /// <summary>A reviewer known by the name they entered; null when the name is empty or too long.</summary>
    public static Reviewer? FromName(string? name)
    {
        var trimmed = name?.Trim();
        return string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxNameLength
            ? null
            : new Reviewer("name:" + trimmed.ToLowerInvariant(), trimmed);
    }

    /// <summary>The signed-in account as a reviewer: its id is the account's, its name the account's e-mail.</summary>
    public static Reviewer ForAccount(string userId, string email)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        return new Reviewer("user:" + userId, email);
    }
}
