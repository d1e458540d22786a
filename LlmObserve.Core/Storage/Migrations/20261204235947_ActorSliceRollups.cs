using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <summary>
    /// Adds <c>ActorSliceRollups</c>: daily users and sessions per environment and per model of the traces' model
    /// lists, so the overview's top lists under an environment or model filter stop reading every trace of a long
    /// range. Existing traces are added from the contributions the rollups already hold for them, exactly what later
    /// takes them back (their calls' models, since their model lists were not kept then).
    /// </summary>
    public partial class ActorSliceRollups : Migration
    {
        private const string Backfill = """
            WITH c AS (
                SELECT "ProjectId" AS p, "ContributionJson" AS j,
                    json_extract("ContributionJson", '$.startUnixSeconds') AS t
                FROM "TraceRollupStates"),
            actors AS (
                SELECT p, j, t, 'user' AS kind, json_extract(j, '$.userId') AS key FROM c
                UNION ALL
                SELECT p, j, t, 'session', json_extract(j, '$.sessionId') FROM c),
            slices AS (
                SELECT p, j, t, kind, key, '*' AS model FROM actors WHERE COALESCE(key, '') <> ''
                UNION ALL
                SELECT a.p, a.j, a.t, a.kind, a.key, json_extract(m.value, '$.model')
                FROM actors a, json_each(a.j, '$.models') m
                WHERE COALESCE(a.key, '') <> ''
                UNION ALL
                SELECT p, j, t, kind, key, '' FROM actors
                WHERE COALESCE(key, '') <> '' AND json_array_length(j, '$.models') = 0)
            INSERT INTO "ActorSliceRollups" ("ProjectId", "Kind", "Model", "Environment", "BucketStart", "Key",
                "Requests", "Errors", "TotalTokens", "CostNanoUsd")
            SELECT p, kind, model, COALESCE(json_extract(j, '$.environment'), ''), t - (((t % 86400) + 86400) % 86400),
                key, count(*), sum(json_extract(j, '$.error')), sum(json_extract(j, '$.totals.totalTokens')),
                sum(json_extract(j, '$.totals.costNanoUsd'))
            FROM slices
            GROUP BY 1, 2, 3, 4, 5, 6
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // WITHOUT ROWID: rows live in key order, so a top list reads one contiguous range of the key with every
            // column in it, instead of looking each row up in a table kept in insertion order (twice as slow at a
            // million traces). EF Core cannot declare it; a later migration that rebuilds this table must keep it.
            migrationBuilder.Sql("""
                CREATE TABLE "ActorSliceRollups" (
                    "ProjectId" TEXT NOT NULL,
                    "Kind" TEXT NOT NULL,
                    "Model" TEXT NOT NULL,
                    "Environment" TEXT NOT NULL,
                    "BucketStart" INTEGER NOT NULL,
                    "Key" TEXT NOT NULL,
                    "Requests" INTEGER NOT NULL,
                    "Errors" INTEGER NOT NULL,
                    "TotalTokens" INTEGER NOT NULL,
                    "CostNanoUsd" INTEGER NOT NULL,
                    CONSTRAINT "PK_ActorSliceRollups"
                        PRIMARY KEY ("ProjectId", "Kind", "Model", "Environment", "BucketStart", "Key")
                ) WITHOUT ROWID
                """);

            migrationBuilder.Sql(Backfill);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ActorSliceRollups");
        }
    }
}
