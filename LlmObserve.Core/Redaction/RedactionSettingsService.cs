using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmObserve.Core.Evaluation;
using LlmObserve.Core.Storage;
using LlmObserve.Core.Traces;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Core.Redaction;

/// <summary>A custom pattern: matches are replaced with <c>[REDACTED:name]</c>.</summary>
public sealed record RedactionPattern(string Name, string Pattern);

/// <summary>A project's redaction settings as the API and the settings page show them.</summary>
public sealed record RedactionSettingsView(
    IReadOnlyList<string> Detectors,
    IReadOnlyList<RedactionPattern> Patterns,
    IReadOnlyList<string> AvailableDetectors);

/// <summary>A request to replace a project's settings; null lists are errors, not "none".</summary>
public sealed record RedactionSettingsRequest(
    IReadOnlyList<string?>? Detectors,
    IReadOnlyList<RedactionPatternDraft?>? Patterns);

/// <summary>A custom pattern as sent, before validation.</summary>
public sealed record RedactionPatternDraft(string? Name, string? Pattern);

/// <summary>
/// Reads and saves each project's redaction (built-in detectors switched on and custom patterns), refusing at save
/// time a pattern that does not compile, could run away, or matches the empty string; and hands the ingestion path
/// the compiled <see cref="Redactor"/> of a project, cached until its settings change.
/// </summary>
public sealed partial class RedactionSettingsService(IDbContextFactory<LlmObserveDbContext> dbFactory)
{
    public const int MaxPatterns = 20;
    public const int MaxPatternLength = 500;

    private static readonly TimeSpan _matchTimeout = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Redactor> _compiled = new(StringComparer.Ordinal);

    public async Task<RedactionSettingsView> GetAsync(string projectId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.AsNoTracking().SingleAsync(p => p.Id == projectId, cancellationToken);
        return View(project.RedactionDetectors, project.RedactionPatternsJson);
    }

    /// <summary>The project's compiled redactor; read from the store once, then from memory.</summary>
    public async ValueTask<Redactor> GetRedactorAsync(string projectId, CancellationToken cancellationToken)
    {
        if (_compiled.TryGetValue(projectId, out var redactor))
        {
            return redactor;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.AsNoTracking()
            .Where(p => p.Id == projectId)
            .Select(p => new { p.RedactionDetectors, p.RedactionPatternsJson })
            .SingleOrDefaultAsync(cancellationToken);
        redactor = project is null
            ? Redactor.None
            : Compile(SplitDetectors(project.RedactionDetectors), ReadPatterns(project.RedactionPatternsJson));
        return _compiled.GetOrAdd(projectId, redactor);
    }

    /// <summary>Validates and saves; every fault is named by its field (<c>patterns[1].pattern</c>).</summary>
    public async Task<(RedactionSettingsView? View, IReadOnlyList<FieldError> Errors)> SetAsync(
        string projectId,
        RedactionSettingsRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (detectors, patterns, errors) = Validate(request);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.SingleAsync(p => p.Id == projectId, cancellationToken);
        project.RedactionDetectors = detectors.Count == 0 ? null : string.Join(' ', detectors);
        project.RedactionPatternsJson = patterns.Count == 0
            ? null
            : JsonSerializer.Serialize(patterns, StoreJson.Options);
        await db.SaveChangesAsync(cancellationToken);
        _compiled[projectId] = Compile(detectors, patterns);
        return (View(project.RedactionDetectors, project.RedactionPatternsJson), []);
    }

    /// <summary>What the settings would make of a sample text, without saving them.</summary>
    public static (string? Text, RedactionCounts? Counts, IReadOnlyList<FieldError> Errors) Preview(
        RedactionSettingsRequest request,
        string text)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(text);
        var (detectors, patterns, errors) = Validate(request);
        if (errors.Count > 0)
        {
            return (null, null, errors);
        }

        var counts = new RedactionCounts();
        return (Compile(detectors, patterns).Redact(text, counts), counts, []);
    }

    /// <summary>
    /// Checks one custom pattern; null when it is acceptable. It must compile for the non-backtracking engine, which
    /// runs in time linear in the text: backreferences, lookarounds, atomic groups and conditionals are what it
    /// cannot run, and they are also what lets a pattern backtrack without bound.
    /// </summary>
    public static string? CheckPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length > MaxPatternLength)
        {
            return $"is {pattern.Length} characters long; at most {MaxPatternLength} are allowed.";
        }

        Regex regex;
        try
        {
            regex = CompileCustom(pattern);
        }
        catch (NotSupportedException ex)
        {
            return "could run away: it uses a construct (a backreference, lookaround, atomic group or conditional) "
                + $"that only a backtracking engine runs, and redaction runs only linear-time patterns ({ex.Message})";
        }
        catch (ArgumentException ex)
        {
            return $"does not compile: {ex.Message}";
        }

        string[] probes = ["", " ", "a", "a b", "7"];
        return probes.Any(text => regex.Matches(text).Any(m => m.Length == 0))
            ? "can match the empty string, so it would mark positions between characters of every text."
            : null;
    }

    private static Regex CompileCustom(string pattern)
        => new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, _matchTimeout);

    private static (List<string> Detectors, List<RedactionPattern> Patterns, List<FieldError> Errors) Validate(
        RedactionSettingsRequest request)
    {
        var errors = new List<FieldError>();
        var detectors = new List<string>();
        var patterns = new List<RedactionPattern>();
        if (request.Detectors is null)
        {
            errors.Add(new FieldError("detectors", "'detectors' is required: a list such as [\"email\", \"card\"]."));
        }
        else
        {
            for (var i = 0; i < request.Detectors.Count; i++)
            {
                var kind = request.Detectors[i]?.Trim().ToLowerInvariant();
                if (kind is null || !BuiltInDetectors.IsKnown(kind))
                {
                    errors.Add(new FieldError(
                        $"detectors[{i}]",
                        $"'{request.Detectors[i]}' is not a detector; use {string.Join(", ", BuiltInDetectors.All)}."));
                }
                else if (!detectors.Contains(kind))
                {
                    detectors.Add(kind);
                }
            }
        }

        var drafts = request.Patterns ?? [];
        if (drafts.Count > MaxPatterns)
        {
            errors.Add(new FieldError(
                "patterns",
                $"{drafts.Count} patterns given; at most {MaxPatterns} are allowed."));
            drafts = [];
        }

        for (var i = 0; i < drafts.Count; i++)
        {
            var name = drafts[i]?.Name?.Trim().ToLowerInvariant();
            var pattern = drafts[i]?.Pattern;
            if (string.IsNullOrEmpty(name) || !PatternName().IsMatch(name))
            {
                errors.Add(new FieldError(
                    $"patterns[{i}].name",
                    "A name of 1 to 40 letters, digits, '-' or '_' is required; it is written into the replacement."));
            }
            else if (BuiltInDetectors.IsKnown(name) || patterns.Any(p => p.Name == name))
            {
                errors.Add(new FieldError($"patterns[{i}].name", $"'{name}' is already the name of another detector."));
            }

            if (string.IsNullOrEmpty(pattern))
            {
                errors.Add(new FieldError($"patterns[{i}].pattern", "A pattern is required."));
            }
            else if (CheckPattern(pattern) is { } fault)
            {
                errors.Add(new FieldError($"patterns[{i}].pattern", $"The pattern {fault}"));
            }
            else if (!string.IsNullOrEmpty(name))
            {
                patterns.Add(new RedactionPattern(name, pattern));
            }
        }

        // Built-ins keep their own order, whatever the request's.
        detectors = [.. BuiltInDetectors.All.Where(detectors.Contains)];
        return (detectors, patterns, errors);
    }

    private static Redactor Compile(List<string> detectors, List<RedactionPattern> patterns)
    {
        if (detectors.Count == 0 && patterns.Count == 0)
        {
            return Redactor.None;
        }

        // Custom patterns first: they are the project's own, and a built-in's marker must not be rewritten by them.
        var compiled = patterns.Select(p => new RedactionDetector(p.Name, CompileCustom(p.Pattern), null))
            .Concat(detectors.Select(BuiltInDetectors.Get))
            .ToList();
        return new Redactor(compiled);
    }

    private static RedactionSettingsView View(string? detectors, string? patternsJson)
        => new(SplitDetectors(detectors), ReadPatterns(patternsJson), BuiltInDetectors.All);

    private static List<string> SplitDetectors(string? stored)
        => string.IsNullOrWhiteSpace(stored)
            ? []
            : [.. stored.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(BuiltInDetectors.IsKnown)];

    private static List<RedactionPattern> ReadPatterns(string? json)
        => string.IsNullOrEmpty(json)
            ? []
            : JsonSerializer.Deserialize<List<RedactionPattern>>(json, StoreJson.Options) ?? [];

    [GeneratedRegex("^[a-z0-9_-]{1,40}$", RegexOptions.CultureInvariant)]
    private static partial Regex PatternName();
}
