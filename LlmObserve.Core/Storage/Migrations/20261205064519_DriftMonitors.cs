using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class DriftMonitors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DriftMonitors",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    FeaturesJson = table.Column<string>(type: "TEXT", nullable: false),
                    ReferenceKind = table.Column<string>(type: "TEXT", nullable: false),
                    ReferenceFrom = table.Column<long>(type: "INTEGER", nullable: true),
                    ReferenceTo = table.Column<long>(type: "INTEGER", nullable: true),
                    ReferenceMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    CurrentMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Cron = table.Column<string>(type: "TEXT", nullable: true),
                    IntervalMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    MinimumSampleSize = table.Column<int>(type: "INTEGER", nullable: false),
                    TopicCount = table.Column<int>(type: "INTEGER", nullable: true),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    NextRunAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastRunAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftMonitors", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DriftMonitors_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DriftResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MonitorId = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    RunAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", nullable: false),
                    ReferenceFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    ReferenceTo = table.Column<long>(type: "INTEGER", nullable: false),
                    CurrentFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    CurrentTo = table.Column<long>(type: "INTEGER", nullable: false),
                    ReferenceTraces = table.Column<int>(type: "INTEGER", nullable: false),
                    CurrentTraces = table.Column<int>(type: "INTEGER", nullable: false),
                    ReferenceFeatured = table.Column<int>(type: "INTEGER", nullable: false),
                    CurrentFeatured = table.Column<int>(type: "INTEGER", nullable: false),
                    FeaturesWithVerdict = table.Column<int>(type: "INTEGER", nullable: false),
                    DriftedFeatures = table.Column<int>(type: "INTEGER", nullable: false),
                    DurationMs = table.Column<double>(type: "REAL", nullable: false),
                    Error = table.Column<string>(type: "TEXT", nullable: true),
                    TopicsJson = table.Column<string>(type: "TEXT", nullable: true),
                    ProjectionJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DriftResults_DriftMonitors_MonitorId",
                        column: x => x.MonitorId,
                        principalTable: "DriftMonitors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "DriftFeatureResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ResultId = table.Column<long>(type: "INTEGER", nullable: false),
                    MonitorId = table.Column<string>(type: "TEXT", nullable: false),
                    RunAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Feature = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    TestName = table.Column<string>(type: "TEXT", nullable: false),
                    TestDisplayName = table.Column<string>(type: "TEXT", nullable: false),
                    ScoreKind = table.Column<string>(type: "TEXT", nullable: false),
                    Score = table.Column<double>(type: "REAL", nullable: true),
                    PValue = table.Column<double>(type: "REAL", nullable: true),
                    Statistic = table.Column<double>(type: "REAL", nullable: true),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    Drifted = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    Message = table.Column<string>(type: "TEXT", nullable: true),
                    ReferenceCount = table.Column<int>(type: "INTEGER", nullable: false),
                    CurrentCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ReferenceMissing = table.Column<int>(type: "INTEGER", nullable: false),
                    CurrentMissing = table.Column<int>(type: "INTEGER", nullable: false),
                    SampledPerWindow = table.Column<int>(type: "INTEGER", nullable: true),
                    DistributionJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DriftFeatureResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DriftFeatureResults_DriftResults_ResultId",
                        column: x => x.ResultId,
                        principalTable: "DriftResults",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DriftFeatureResults_MonitorId_Feature_RunAt",
                table: "DriftFeatureResults",
                columns: new[] { "MonitorId", "Feature", "RunAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DriftFeatureResults_ResultId",
                table: "DriftFeatureResults",
                column: "ResultId");

            migrationBuilder.CreateIndex(
                name: "IX_DriftMonitors_Enabled_NextRunAt",
                table: "DriftMonitors",
                columns: new[] { "Enabled", "NextRunAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DriftMonitors_ProjectId_Name",
                table: "DriftMonitors",
                columns: new[] { "ProjectId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_DriftResults_MonitorId_RunAt",
                table: "DriftResults",
                columns: new[] { "MonitorId", "RunAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DriftFeatureResults");

            migrationBuilder.DropTable(
                name: "DriftResults");

            migrationBuilder.DropTable(
                name: "DriftMonitors");
        }
    }
}
