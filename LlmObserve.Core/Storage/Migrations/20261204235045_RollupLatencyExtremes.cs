using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <summary>
    /// Adds the longest and shortest latency to each rollup row, so a bucket's percentiles, read from its histogram,
    /// are kept within the latencies it holds (a lone 201 ms trace showed a p95 of 247 ms). Rows already holding
    /// traces stay without them, unknown, rather than take extremes from only the traces that come later.
    /// </summary>
    public partial class RollupLatencyExtremes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "MaxLatencyMicros",
                table: "MetricRollups",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MinLatencyMicros",
                table: "MetricRollups",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MaxLatencyMicros",
                table: "MetricRollups");

            migrationBuilder.DropColumn(
                name: "MinLatencyMicros",
                table: "MetricRollups");
        }
    }
}
