using System.Net;
using System.Net.Http.Headers;
using LlmObserve.Core.Projects;
using LlmObserve.Core.Storage;
using LlmObserve.Tests.Infrastructure;
using LlmObserve.Tests.Ingestion.EndToEnd;
using Microsoft.EntityFrameworkCore;

namespace LlmObserve.Tests.Projects;

/// <summary>
/// Deleting a project: it leaves every list at once, its keys are refused at once, and the background purge removes
/// every row it owned, in every table, and nothing of another project.
/// </summary>
public sealed class ProjectDeletionTests
{
    /// <summary>Tables whose rows belong to no project or come and go with the writer's background work.</summary>
    private static readonly HashSet<string> _unowned = new(StringComparer.Ordinal)
    {
        "__EFMigrationsHistory", "__EFMigrationsLock", "FeedbackInferenceStates", "ModelPriceSeeds",
        "TracesSearchPending", "ScoreRollupPending",
    };

    [Fact]
    public async Task Delete_PurgesEveryRowOfTheProject_AndNoneOfAnother()
    {
        await using var app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["LlmObserve:Retention:DeletedProjectGraceSeconds"] = "0",
            ["LlmObserve:Retention:BatchRows"] = "3",
            ["LlmObserve:Retention:PauseMs"] = "0",
        });
        var projects = app.GetRequiredService<ProjectService>();
        var dbFactory = app.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>();
        var path = ProjectTestClient.DatabasePath(app);
        var keptId = (await projects.ListAsync(CancellationToken.None))[0].Id;
        await SeedAsync(app, dbFactory, keptId, RunningApp.SecretKey, "kept");
        await Poll.UntilSearchIndexedAsync(dbFactory.CreateDbContext);
        var before = ProjectRows.CountAll(path);

        var (created, errors) = await projects.CreateAsync("Doomed", CancellationToken.None);
        var doomedId = created!.Project.Id;
        await SeedAsync(app, dbFactory, doomedId, created.Key.SecretKey, "doomed");
        var seeded = ProjectRows.CountAll(path);
        var deleted = await projects.DeleteAsync(doomedId, CancellationToken.None);
        var listed = await projects.ListAsync(CancellationToken.None);
        await Poll.UntilAsync(
            () => Task.FromResult(ProjectRows.CountAll(path)["Projects"] == before["Projects"]),
            "the purge to remove the project row",
            TimeSpan.FromSeconds(60));

        var after = ProjectRows.CountAll(path);
        using var db = ProjectRows.Open(path);
        var leftOfDoomed = ProjectRows.Tables(db)
            .Where(t => ProjectRows.Columns(db, t).Contains("ProjectId"))
            .Select(t => (Table: t, Rows: ProjectRows.Scalar(
                db,
                $"SELECT count(*) FROM \"{t}\" WHERE \"ProjectId\" = $p",
                ("$p", doomedId))))
            .Where(t => t.Rows > 0)
            .ToList();
        Assert.Empty(errors);
        Assert.True(deleted);
        Assert.DoesNotContain(listed, p => p.Id == doomedId);
        Assert.Empty(leftOfDoomed);

        // The doomed project filled every table the kept one did, and each is back to the kept project's rows.
        var filled = seeded.Where(t => !_unowned.Contains(t.Key) && t.Value > before[t.Key]).Select(t => t.Key);
        Assert.Superset(
            new HashSet<string>(["Traces", "Spans", "Scores", "Feedback", "Evaluators", "DriftFeatureResults",
                "AlertDeliveries", "AnnotationLeases", "ExperimentResults", "DatasetItems", "MetricRollups",
                "ApiKeys", "TraceFeatures", "TraceFacets", "Projects",]),
            filled.ToHashSet());
        foreach (var (table, rows) in before.Where(t => !_unowned.Contains(t.Key)))
        {
            Assert.True(rows == after[table], $"{table}: {rows} rows before the doomed project, {after[table]} after");
        }
    }

    [Fact]
    public async Task DeletedProjectKey_IsRefusedAtOnce_AndStoresNothing()
    {
        await using var app = await RunningApp.StartAsync(settings: new Dictionary<string, string?>
        {
            // The purge must not run during the test: what is checked is the refusal, not the purge.
            ["LlmObserve:Retention:DeletedProjectGraceSeconds"] = "3600",
        });
        var projects = app.GetRequiredService<ProjectService>();
        var (created, _) = await projects.CreateAsync("Short-lived", CancellationToken.None);
        var projectId = created!.Project.Id;
        using var client = ProjectTestClient.Client(app, created.Key.SecretKey);
        var first = ProjectTestClient.Build([DateTimeOffset.UtcNow], "before");
        await ProjectTestClient.SendOkAsync(client, first);
        using var readBefore = await client.GetAsync(new Uri("api/project", UriKind.Relative));

        await projects.DeleteAsync(projectId, CancellationToken.None);
        var late = ProjectTestClient.Build([DateTimeOffset.UtcNow], "after");
        using var native = await ProjectTestClient.SendAsync(client, late);
        var span = OtlpRequests.Span(late[0].TraceId, OtlpRequests.NewSpanId(), "otlp after delete");
        using var otlpBody = new ByteArrayContent(Google.Protobuf.MessageExtensions.ToByteArray(
            OtlpRequests.Request(span)));
        otlpBody.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var otlp = await client.PostAsync(new Uri("v1/traces", UriKind.Relative), otlpBody);
        using var readAfter = await client.GetAsync(new Uri("api/project", UriKind.Relative));
        using var basic = ProjectTestClient.Client(app, created.Key.SecretKey);
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
                created.Key.PublicKey + ":" + created.Key.SecretKey)));
        using var basicAfter = await basic.GetAsync(new Uri("api/project", UriKind.Relative));

        using var db = ProjectRows.Open(ProjectTestClient.DatabasePath(app));
        Assert.Equal(HttpStatusCode.OK, readBefore.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, native.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otlp.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, readAfter.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, basicAfter.StatusCode);
        Assert.Equal(
            1,
            ProjectRows.Scalar(db, """SELECT count(*) FROM "Traces" WHERE "ProjectId" = $p""", ("$p", projectId)));
        Assert.Equal(0, ProjectRows.Scalar(
            db,
            """SELECT count(*) FROM "Spans" WHERE "TraceId" = $t""",
            ("$t", late[0].TraceId)));
        Assert.Equal(0, ProjectRows.Scalar(
            db,
            """SELECT count(*) FROM "Feedback" WHERE "ProjectId" = $p AND "TraceId" = $t""",
            ("$p", projectId),
            ("$t", late[0].TraceId)));
    }

    [Fact]
    public async Task Purge_CoversEveryTableThatHoldsAProjectsRows()
    {
        await using var app = await RunningApp.StartAsync();
        await using var context = await app.GetRequiredService<IDbContextFactory<LlmObserveDbContext>>()
            .CreateDbContextAsync();
        using var db = ProjectRows.Open(ProjectTestClient.DatabasePath(app));
        var covered = ProjectPurger.Tables.Concat(ProjectPurger.Kept).ToHashSet(StringComparer.Ordinal);

        // From the file: a table with a project id, or one whose foreign key leads to such a table.
        var tables = ProjectRows.Tables(db);
        var owned = tables.Where(t => ProjectRows.Columns(db, t).Contains("ProjectId")).ToHashSet();
        owned.Add("Projects");
        bool grew;
        do
        {
            var children = tables.Where(t => !owned.Contains(t) && ProjectRows.Parents(db, t).Any(owned.Contains));
            grew = false;
            foreach (var child in children.ToList())
            {
                grew |= owned.Add(child);
            }
        }
        while (grew);

        // From the EF model: every entity with a project id.
        var modelled = context.Model.GetEntityTypes()
            .Where(e => e.FindProperty("ProjectId") is not null)
            .Select(e => e.GetTableName()!)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(owned.Except(covered).Order());
        Assert.Empty(modelled.Except(covered).Order());
        Assert.Empty(covered.Except(tables).Order());
    }

    /// <summary>Traces through the API with the project's key, then a row in every other project table.</summary>
    private static async Task SeedAsync(
        RunningApp app,
        IDbContextFactory<LlmObserveDbContext> dbFactory,
        string projectId,
        string secretKey,
        string prefix)
    {
        using var client = ProjectTestClient.Client(app, secretKey);
        var now = DateTimeOffset.UtcNow;
        var traces = ProjectTestClient.Build(Enumerable.Range(0, 8).Select(i => now.AddHours(-i)), prefix);
        await ProjectTestClient.SendOkAsync(client, traces);
        await ProjectRows.SeedAsync(dbFactory, projectId, [.. traces.Select(t => t.TraceId)]);
    }
}
