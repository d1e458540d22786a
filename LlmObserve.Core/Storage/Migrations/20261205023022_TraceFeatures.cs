using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class TraceFeatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TraceFeatureCursors",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    FeatureVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    CursorRowId = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TraceFeatureCursors", x => x.ProjectId);
                    table.ForeignKey(
                        name: "FK_TraceFeatureCursors_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TraceFeatures",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    TraceId = table.Column<string>(type: "TEXT", nullable: false),
                    TraceRowId = table.Column<long>(type: "INTEGER", nullable: false),
                    StartTimeUnixNano = table.Column<long>(type: "INTEGER", nullable: false),
                    TraceUpdatedAtUnixNano = table.Column<long>(type: "INTEGER", nullable: false),
                    FeatureVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ComputedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    InputTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    OutputTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    InputLanguage = table.Column<string>(type: "TEXT", nullable: true),
                    OutputLanguage = table.Column<string>(type: "TEXT", nullable: true),
                    Refusal = table.Column<bool>(type: "INTEGER", nullable: true),
                    Sentiment = table.Column<string>(type: "TEXT", nullable: true),
                    SentimentScore = table.Column<double>(type: "REAL", nullable: true),
                    Tone = table.Column<string>(type: "TEXT", nullable: true),
                    LatencyMs = table.Column<double>(type: "REAL", nullable: false),
                    Cost = table.Column<double>(type: "REAL", nullable: true),
                    InputEmbedding = table.Column<byte[]>(type: "BLOB", nullable: true),
                    OutputEmbedding = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TraceFeatures", x => new { x.ProjectId, x.TraceId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_TraceFeatures_ProjectId_FeatureVersion_StartTimeUnixNano",
                table: "TraceFeatures",
                columns: new[] { "ProjectId", "FeatureVersion", "StartTimeUnixNano" });

            // A trace's features go with it, however it is deleted (by hand, or a retention purge).
            migrationBuilder.Sql(
                """
                CREATE TRIGGER "Traces_Features_AfterDelete" AFTER DELETE ON "Traces" BEGIN
                    DELETE FROM "TraceFeatures" WHERE "ProjectId" = old."ProjectId" AND "TraceId" = old."TraceId";
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Traces_Features_AfterDelete";""");

            migrationBuilder.DropTable(
                name: "TraceFeatureCursors");

            migrationBuilder.DropTable(
                name: "TraceFeatures");
        }
    }
}
