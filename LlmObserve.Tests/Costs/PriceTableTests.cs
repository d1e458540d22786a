using System.Diagnostics;
using LlmObserve.Core.Costs;
using static LlmObserve.Tests.Costs.PriceFixtures;

namespace LlmObserve.Tests.Costs;

public sealed class PriceTableTests
{
    private static readonly DateTimeOffset _at = new(2026, 4, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Resolve_ExactPrefixAndPatternAllMatch_ExactWins()
    {
        var table = Table(
            Price("gpt-4o.*", 3, 3, ModelMatchKind.Pattern),
            Price("gpt-4o", 2, 2, ModelMatchKind.Prefix),
            Price("gpt-4o-2024-08-06", 1, 1));

        var price = table.Resolve("p1", "gpt-4o-2024-08-06", "openai", _at);

        Assert.Equal(1m, price?.InputPerMillion);
    }

    [Fact]
    public void Resolve_TwoPrefixes_LongestWins()
    {
        var table = Table(
            Price("gpt-4o", 2.50m, 10, ModelMatchKind.Prefix),
            Price("gpt-4o-mini", 0.15m, 0.60m, ModelMatchKind.Prefix));

        Assert.Equal(0.15m, table.Resolve(null, "gpt-4o-mini-2024-07-18", null, _at)?.InputPerMillion);
        Assert.Equal(2.50m, table.Resolve(null, "gpt-4o-2024-08-06", null, _at)?.InputPerMillion);
    }

    [Fact]
    public void Resolve_PrefixAndPattern_PrefixWins()
    {
        var table = Table(
            Price("claude-.*", 9, 9, ModelMatchKind.Pattern),
            Price("claude-", 1, 1, ModelMatchKind.Prefix));

        Assert.Equal(1m, table.Resolve(null, "claude-haiku-4-5", null, _at)?.InputPerMillion);
    }

    [Fact]
    public void Resolve_Pattern_MustMatchTheWholeIdIgnoringCase()
    {
        var table = Table(Price("gpt-5(-\\d{4}-\\d{2}-\\d{2})?", 1.25m, 10, ModelMatchKind.Pattern));

        Assert.NotNull(table.Resolve(null, "GPT-5-2025-08-07", null, _at));
        Assert.Null(table.Resolve(null, "gpt-5-mini", null, _at));
        Assert.Null(table.Resolve(null, "my-gpt-5", null, _at));
    }

    [Fact]
    public void Resolve_ProviderSpecificEntry_BeatsAnExactOneForAnyProvider()
    {
        var table = Table(
            Price("gpt-4o-2024-08-06", 2.50m, 10),
            Price("gpt-4o", 2.75m, 11, ModelMatchKind.Prefix, provider: "azure"));

        Assert.Equal(2.75m, table.Resolve(null, "gpt-4o-2024-08-06", "az.ai.openai", _at)?.InputPerMillion);
        Assert.Equal(2.50m, table.Resolve(null, "gpt-4o-2024-08-06", "openai", _at)?.InputPerMillion);
    }

    [Fact]
    public void Resolve_ProjectEntry_OverridesGlobalOnlyForThatProject()
    {
        var table = Table(Price("gpt-4o", 2.50m, 10), Price("gpt-4o", 2.00m, 8, ModelMatchKind.Prefix, project: "p1"));

        Assert.Equal(2.00m, table.Resolve("p1", "gpt-4o", null, _at)?.InputPerMillion);
        Assert.Equal(2.50m, table.Resolve("p2", "gpt-4o", null, _at)?.InputPerMillion);
    }

    [Fact]
    public void Resolve_PriceChangeOnADay_AppliesFromThatInstantOn()
    {
        var table = Table(Price("acme", 1.00m, 2.00m, from: Jan1), Price("acme", 0.50m, 1.00m, from: Mar1));

        Assert.Null(table.Resolve(null, "acme", null, Jan1.AddTicks(-1)));
        Assert.Equal(1.00m, table.Resolve(null, "acme", null, Jan1)?.InputPerMillion);
        Assert.Equal(1.00m, table.Resolve(null, "acme", null, Mar1.AddTicks(-1))?.InputPerMillion);
        Assert.Equal(0.50m, table.Resolve(null, "acme", null, Mar1)?.InputPerMillion);
    }

    [Fact]
    public void Resolve_PreferredEntryNotYetEffective_FallsBackToTheNextMatch()
    {
        var table = Table(
            Price("acme", 1.00m, 2.00m, from: Jan1),
            Price("acme", 0.80m, 1.60m, from: Jun1, project: "p1"));

        Assert.Equal(1.00m, table.Resolve("p1", "acme", null, Mar1)?.InputPerMillion);
        Assert.Equal(0.80m, table.Resolve("p1", "acme", null, Jun1)?.InputPerMillion);
    }

    [Fact]
    public void Resolve_SameLevelTie_PeoplesEntryBeatsBuiltInThenOldestWins()
    {
        var table = Table(
            Price("acme-.*", 3, 3, ModelMatchKind.Pattern, id: 1, builtInKey: "x/acme"),
            Price("acme-[a-z]+", 2, 2, ModelMatchKind.Pattern, id: 5),
            Price("acme-\\w+", 1, 1, ModelMatchKind.Pattern, id: 4));

        Assert.Equal(1m, table.Resolve(null, "acme-large", null, _at)?.InputPerMillion);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("unknown-model")]
    public void Resolve_NoMatchingEntry_IsNull(string? model)
    {
        var table = Table(Price("gpt-4o", 2.50m, 10));

        Assert.Null(table.Resolve(null, model, null, _at));
    }

    [Fact]
    public void Resolve_CatastrophicBacktrackingPattern_AnswersQuickly()
    {
        var table = Table(Price("(a+)+b", 1, 1, ModelMatchKind.Pattern));
        var stopwatch = Stopwatch.StartNew();

        var price = table.Resolve(null, new string('a', 200) + "c", null, _at);

        Assert.Null(price);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public void Constructor_SnapshotCopiesEntries_LaterEditsDoNotLeakIn()
    {
        var entry = Price("acme", 1, 1);
        var table = Table(entry);

        entry.InputPerMillion = 99;

        Assert.Equal(1m, table.Resolve(null, "acme", null, _at)?.InputPerMillion);
    }

    [Fact]
    public void Constructor_StoredPatternThatNoLongerCompiles_IsLeftOutAndReported()
    {
        var broken = Price("acme", 1, 1, ModelMatchKind.Pattern);
        broken.Match = "acme(";

        var table = Table(broken, Price("acme", 2, 2));

        Assert.Equal(2m, table.Resolve(null, "acme", null, _at)?.InputPerMillion);
        Assert.Contains("acme(", Assert.Single(table.Problems), StringComparison.Ordinal);
    }
}
