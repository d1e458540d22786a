using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class MetricRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ActorRollups",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Requests = table.Column<long>(type: "INTEGER", nullable: false),
                    Errors = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    CostNanoUsd = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ActorRollups", x => new { x.ProjectId, x.Kind, x.BucketStart, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "LatencyRollups",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Resolution = table.Column<int>(type: "INTEGER", nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    Model = table.Column<string>(type: "TEXT", nullable: false),
                    Bin = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LatencyRollups", x => new { x.ProjectId, x.Resolution, x.BucketStart, x.Environment, x.Model, x.Bin });
                });

            migrationBuilder.CreateTable(
                name: "MetricRollups",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Resolution = table.Column<int>(type: "INTEGER", nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Environment = table.Column<string>(type: "TEXT", nullable: false),
                    Model = table.Column<string>(type: "TEXT", nullable: false),
                    Requests = table.Column<long>(type: "INTEGER", nullable: false),
                    Errors = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencySumMicros = table.Column<long>(type: "INTEGER", nullable: false),
                    InputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    OutputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    CachedTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    ReasoningTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    CostNanoUsd = table.Column<long>(type: "INTEGER", nullable: false),
                    ModelCalls = table.Column<long>(type: "INTEGER", nullable: false),
                    UnpricedCalls = table.Column<long>(type: "INTEGER", nullable: false),
                    EstimatedCalls = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MetricRollups", x => new { x.ProjectId, x.Resolution, x.BucketStart, x.Environment, x.Model });
                });

            migrationBuilder.CreateTable(
                name: "TraceRollupStates",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    TraceId = table.Column<string>(type: "TEXT", nullable: false),
                    ContributionJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TraceRollupStates", x => new { x.ProjectId, x.TraceId });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ActorRollups");

            migrationBuilder.DropTable(
                name: "LatencyRollups");

            migrationBuilder.DropTable(
                name: "MetricRollups");

            migrationBuilder.DropTable(
                name: "TraceRollupStates");
        }
    }
}
