using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <summary>
    /// Adds the score aggregates: <c>TraceScores</c> (per trace and name, for the trace list's score columns, filter
    /// and sort) and <c>ScoreRollups</c> with their per-trace state (per minute and hour, for the Quality page).
    /// Triggers list in <c>ScoreRollupPending</c> every trace whose scores, start, environment, release or models
    /// change, whichever path writes them; the span writer recomputes the listed traces (ScoreAggregateMaintainer).
    /// Traces that already have scores are listed here, so the writer fills the aggregates in after the upgrade.
    /// </summary>
    public partial class ScoreAggregates : Migration
    {
        private static string List(string row) => $"""
            INSERT INTO "ScoreRollupPending" ("ProjectId", "TraceId") VALUES ({row}."ProjectId", {row}."TraceId")
                ON CONFLICT DO NOTHING;
            """;

        private static string HasSummaries(string row) => $"""
            EXISTS (SELECT 1 FROM "TraceScores" WHERE "ProjectId" = {row}."ProjectId" AND "TraceId" = {row}."TraceId")
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ScoreRollups",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Resolution = table.Column<int>(type: "INTEGER", nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    Release = table.Column<string>(type: "TEXT", nullable: false),
                    Model = table.Column<string>(type: "TEXT", nullable: false),
                    Label = table.Column<string>(type: "TEXT", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    ValueCount = table.Column<long>(type: "INTEGER", nullable: false),
                    ValueSum = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey(
                        "PK_ScoreRollups",
                        x => new
                        {
                            x.ProjectId, x.Resolution, x.BucketStart, x.Name, x.Environment, x.Release, x.Model,
                            x.Label,
                        });
                });

            migrationBuilder.CreateTable(
                name: "ScoreRollupStates",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    TraceId = table.Column<string>(type: "TEXT", nullable: false),
                    ContributionJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScoreRollupStates", x => new { x.ProjectId, x.TraceId });
                });

            migrationBuilder.CreateTable(
                name: "TraceScores",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    TraceId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    TraceRowId = table.Column<long>(type: "INTEGER", nullable: true),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    ValueCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Mean = table.Column<double>(type: "REAL", nullable: true),
                    LabelsJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TraceScores", x => new { x.ProjectId, x.TraceId, x.Name });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Scores_ProjectId_Name_Label_TraceId",
                table: "Scores",
                columns: new[] { "ProjectId", "Name", "Label", "TraceId" });

            migrationBuilder.CreateIndex(
                name: "IX_TraceScores_ProjectId_Name_Mean_TraceId_TraceRowId",
                table: "TraceScores",
                columns: new[] { "ProjectId", "Name", "Mean", "TraceId", "TraceRowId" });

            migrationBuilder.Sql(
                """
                CREATE TABLE "ScoreRollupPending" (
                    "ProjectId" TEXT NOT NULL,
                    "TraceId" TEXT NOT NULL,
                    PRIMARY KEY ("ProjectId", "TraceId")
                ) WITHOUT ROWID;
                """);

            // A trace's aggregates depend on its scores and on where the trace falls: its start, environment,
            // release and models. A trace stored after its scores, or changed once scored, is listed again.
            migrationBuilder.Sql(
                $"""
                CREATE TRIGGER "Scores_Aggregates_AfterInsert" AFTER INSERT ON "Scores" BEGIN
                    {List("new")}
                END;

                CREATE TRIGGER "Scores_Aggregates_AfterUpdate" AFTER UPDATE ON "Scores" BEGIN
                    {List("old")}
                    {List("new")}
                END;

                CREATE TRIGGER "Scores_Aggregates_AfterDelete" AFTER DELETE ON "Scores" BEGIN
                    {List("old")}
                END;

                CREATE TRIGGER "Traces_ScoreAggregates_AfterInsert" AFTER INSERT ON "Traces"
                WHEN EXISTS (SELECT 1 FROM "Scores" WHERE "ProjectId" = new."ProjectId" AND "TraceId" = new."TraceId")
                BEGIN
                    {List("new")}
                END;

                CREATE TRIGGER "Traces_ScoreAggregates_AfterUpdate"
                AFTER UPDATE OF "StartTimeUnixNano", "Environment", "Release", "Models" ON "Traces"
                WHEN (old."StartTimeUnixNano" IS NOT new."StartTimeUnixNano"
                        OR old."Environment" IS NOT new."Environment"
                        OR old."Release" IS NOT new."Release" OR old."Models" IS NOT new."Models")
                    AND {HasSummaries("new")}
                BEGIN
                    {List("new")}
                END;

                CREATE TRIGGER "Traces_ScoreAggregates_AfterDelete" AFTER DELETE ON "Traces"
                WHEN {HasSummaries("old")}
                BEGIN
                    {List("old")}
                END;
                """);

            migrationBuilder.Sql(
                """
                INSERT OR IGNORE INTO "ScoreRollupPending" ("ProjectId", "TraceId")
                SELECT DISTINCT "ProjectId", "TraceId" FROM "Scores";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER "Scores_Aggregates_AfterInsert";
                DROP TRIGGER "Scores_Aggregates_AfterUpdate";
                DROP TRIGGER "Scores_Aggregates_AfterDelete";
                DROP TRIGGER "Traces_ScoreAggregates_AfterInsert";
                DROP TRIGGER "Traces_ScoreAggregates_AfterUpdate";
                DROP TRIGGER "Traces_ScoreAggregates_AfterDelete";
                DROP TABLE "ScoreRollupPending";
                """);

            migrationBuilder.DropTable(
                name: "ScoreRollups");

            migrationBuilder.DropTable(
                name: "ScoreRollupStates");

            migrationBuilder.DropTable(
                name: "TraceScores");

            migrationBuilder.DropIndex(
                name: "IX_Scores_ProjectId_Name_Label_TraceId",
                table: "Scores");
        }
    }
}
