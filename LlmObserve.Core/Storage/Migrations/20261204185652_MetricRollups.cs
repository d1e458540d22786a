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
            // WITHOUT ROWID: a rollup row lives in its key's order, so a chart's range of buckets is one contiguous
            // read and the writer's upserts find their row with one b-tree descent instead of two.
            migrationBuilder.Sql("""
                CREATE TABLE "MetricRollups" (
                    "ProjectId" TEXT NOT NULL,
                    "Resolution" INTEGER NOT NULL,
                    "BucketStart" INTEGER NOT NULL,
                    "Environment" TEXT NOT NULL,
                    "Model" TEXT NOT NULL,
                    "Requests" INTEGER NOT NULL,
                    "Errors" INTEGER NOT NULL,
                    "LatencySumMicros" INTEGER NOT NULL,
                    "LatencyHistogram" TEXT NULL,
                    "InputTokens" INTEGER NOT NULL,
                    "OutputTokens" INTEGER NOT NULL,
                    "CachedTokens" INTEGER NOT NULL,
                    "ReasoningTokens" INTEGER NOT NULL,
                    "TotalTokens" INTEGER NOT NULL,
                    "CostNanoUsd" INTEGER NOT NULL,
                    "ModelCalls" INTEGER NOT NULL,
                    "UnpricedCalls" INTEGER NOT NULL,
                    "EstimatedCalls" INTEGER NOT NULL,
                    CONSTRAINT "PK_MetricRollups"
                        PRIMARY KEY ("ProjectId", "Resolution", "BucketStart", "Environment", "Model")
                ) WITHOUT ROWID;

                CREATE TABLE "ActorRollups" (
                    "ProjectId" TEXT NOT NULL,
                    "BucketStart" INTEGER NOT NULL,
                    "Kind" TEXT NOT NULL,
                    "Key" TEXT NOT NULL,
                    "Requests" INTEGER NOT NULL,
                    "Errors" INTEGER NOT NULL,
                    "TotalTokens" INTEGER NOT NULL,
                    "CostNanoUsd" INTEGER NOT NULL,
                    CONSTRAINT "PK_ActorRollups" PRIMARY KEY ("ProjectId", "Kind", "BucketStart", "Key")
                ) WITHOUT ROWID;

                CREATE TABLE "TraceRollupStates" (
                    "ProjectId" TEXT NOT NULL,
                    "TraceId" TEXT NOT NULL,
                    "ContributionJson" TEXT NOT NULL,
                    CONSTRAINT "PK_TraceRollupStates" PRIMARY KEY ("ProjectId", "TraceId")
                ) WITHOUT ROWID;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ActorRollups");

            migrationBuilder.DropTable(
                name: "MetricRollups");

            migrationBuilder.DropTable(
                name: "TraceRollupStates");
        }
    }
}
