using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using LlmObserve.Core.Ingestion.Otlp.Conventions;

namespace LlmObserve.Core.Costs;

/// <summary>
/// An immutable snapshot of the price entries, safe to share between threads. The span writer holds one and
/// swaps it for <see cref="PriceTableProvider.Current"/> when prices change; nothing edits a snapshot in place.
/// </summary>
/// <remarks>
/// <para>
/// Which entry prices a span of project P, model M and provider V that started at time T:
/// </para>
/// <list type="number">
/// <item>Only entries that match: the project is P or the entry is global; the provider is V or the entry names
/// none; the model id M equals the match (exact), starts with it (prefix) or wholly matches it (pattern), all
/// ignoring case.</item>
/// <item>Entries with the same scope, provider, kind and match form a timeline of prices; at time T a timeline
/// offers its latest entry effective at or before T. A timeline with nothing effective yet at T offers nothing,
/// so a price change never reaches back before its date.</item>
/// <item>Of the timelines that offer a price, the first in this order wins: the project's before global ones;
/// then one naming the provider before one that names none; then exact before prefix before pattern; among
/// prefixes the longest; then entries people made before built-in defaults; then the oldest entry (lowest id).
/// Every step is a total order, so the same span always gets the same price.</item>
/// <item>No timeline offers a price: the span is unpriced, which is a state of its own and never $0.</item>
/// </list>
/// </remarks>
public sealed class PriceTable
{
    /// <summary>Model ids longer than this are never matched by patterns (no real id comes near it).</summary>
    public const int MaxPatternInputLength = 256;

    private const int MaxCachedLookups = 10_000;

    private readonly Timeline[] _timelines;
    private readonly ConcurrentDictionary<LookupKey, Timeline[]> _lookups = new();

    /// <summary>Builds a snapshot from stored entries, copied so that later edits to them do not leak in.</summary>
    /// <param name="entries">Entries in canonical form (<see cref="ModelPriceRules.Normalize"/>).</param>
    /// <param name="version">Increases with every reload, so holders can tell a newer snapshot apart.</param>
    public PriceTable(IEnumerable<ModelPrice> entries, long version = 0)
    {
        Version = version;
        var problems = new List<string>();
        var copies = entries.Select(e => e.Clone()).ToList();
        Entries = copies;
        _timelines = copies
            .GroupBy(ModelPriceRules.MatchKey, StringComparer.Ordinal)
            .Select(group => Timeline.Create(group.OrderBy(e => e.EffectiveFrom).ThenBy(e => e.Id).ToArray(), problems))
            .OfType<Timeline>()
            .Order(Timeline.Precedence)
            .ToArray();
        Problems = problems;
    }

    public static PriceTable Empty { get; } = new([]);

    public long Version { get; }

    /// <summary>The entries of the snapshot. Read them; do not change them.</summary>
    public IReadOnlyList<ModelPrice> Entries { get; }

    /// <summary>Entries left out because they cannot be used (a stored pattern that no longer compiles).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The entry that prices a span, or null when none does (the span is unpriced).</summary>
    /// <param name="projectId">The span's project.</param>
    /// <param name="model">The span's model id as stored.</param>
    /// <param name="provider">The span's provider, canonical or as sent.</param>
    /// <param name="at">When the span started; the price effective then applies.</param>
    public ModelPrice? Resolve(string? projectId, string? model, string? provider, DateTimeOffset at)
    {
        var id = model?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var key = new LookupKey(projectId, id.ToLowerInvariant(), ProviderNames.Normalize(provider));
        if (!_lookups.TryGetValue(key, out var candidates))
        {
            if (_lookups.Count >= MaxCachedLookups)
            {
                _lookups.Clear();
            }

            // A pattern that timed out (a machine under heavy load) answered "no" without knowing: that answer prices
            // this span as nothing but is not kept, so the next span with the model asks again.
            var timedOut = false;
            candidates = [.. _timelines.Where(t => t.Matches(key, ref timedOut))];
            if (!timedOut)
            {
                candidates = _lookups.GetOrAdd(key, candidates);
            }
        }

        foreach (var timeline in candidates)
        {
            if (timeline.At(at) is { } entry)
            {
                return entry;
            }
        }

        return null;
    }

    private readonly record struct LookupKey(string? ProjectId, string Model, string? Provider);

    /// <summary>The successive prices of one (scope, provider, kind, match), oldest first.</summary>
    private sealed class Timeline
    {
        private readonly ModelPrice[] _entries;
        private readonly string _match;
        private readonly Regex? _pattern;

        private Timeline(ModelPrice[] entries, Regex? pattern)
        {
            _entries = entries;
            _pattern = pattern;
            var first = entries[0];
            _match = first.Match.ToLowerInvariant();
            ProjectId = first.ProjectId;
            Provider = first.Provider;
            Kind = first.MatchKind;
            IsBuiltIn = entries.All(e => e.BuiltInKey is not null);
            FirstId = entries.Min(e => e.Id);
        }

        public static IComparer<Timeline> Precedence { get; } = Comparer<Timeline>.Create((a, b) =>
        {
            var order = (a.ProjectId is null).CompareTo(b.ProjectId is null);
            order = order != 0 ? order : (a.Provider is null).CompareTo(b.Provider is null);
            order = order != 0 ? order : KindRank(a.Kind).CompareTo(KindRank(b.Kind));
            order = order != 0 || a.Kind != ModelMatchKind.Prefix ? order : b._match.Length.CompareTo(a._match.Length);
            order = order != 0 ? order : a.IsBuiltIn.CompareTo(b.IsBuiltIn);
            order = order != 0 ? order : a.FirstId.CompareTo(b.FirstId);
            return order != 0 ? order : string.CompareOrdinal(a._match, b._match);
        });

        private string? ProjectId { get; }

        private string? Provider { get; }

        private string Kind { get; }

        private bool IsBuiltIn { get; }

        private long FirstId { get; }

        public static Timeline? Create(ModelPrice[] entries, List<string> problems)
        {
            var first = entries[0];
            if (first.MatchKind != ModelMatchKind.Pattern)
            {
                return ModelMatchKind.All.Contains(first.MatchKind) && first.Match.Length > 0
                    ? new Timeline(entries, null)
                    : null;
            }

            try
            {
                return new Timeline(entries, ModelPriceRules.CompilePattern(first.Match));
            }
            catch (ArgumentException ex)
            {
                problems.Add($"Price entry {first.Id} for /{first.Match}/ is not used: {ex.Message}");
                return null;
            }
        }

        /// <param name="key">The span's project, model and provider.</param>
        /// <param name="timedOut">Set when the pattern ran out of time, so the answer is not known.</param>
        public bool Matches(LookupKey key, ref bool timedOut)
        {
            if ((ProjectId is not null && ProjectId != key.ProjectId)
                || (Provider is not null && Provider != key.Provider))
            {
                return false;
            }

            return Kind switch
            {
                ModelMatchKind.Exact => key.Model == _match,
                ModelMatchKind.Prefix => key.Model.StartsWith(_match, StringComparison.Ordinal),
                _ => PatternMatches(key.Model, ref timedOut),
            };
        }

        public ModelPrice? At(DateTimeOffset at)
        {
            ModelPrice? effective = null;
            foreach (var entry in _entries)
            {
                if (entry.EffectiveFrom > at)
                {
                    break;
                }

                effective = entry;
            }

            return effective;
        }

        private static int KindRank(string kind) => kind switch
        {
            ModelMatchKind.Exact => 0,
            ModelMatchKind.Prefix => 1,
            _ => 2,
        };

        private bool PatternMatches(string model, ref bool timedOut)
        {
            if (_pattern is null || model.Length > MaxPatternInputLength)
            {
                return false;
            }

            try
            {
                return _pattern.IsMatch(model);
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern too slow to answer prices nothing rather than holding up the writer.
                timedOut = true;
                return false;
            }
        }
    }
}
