using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class AlertRuleDriftMonitor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DriftFeature",
                table: "AlertRules",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DriftMonitorId",
                table: "AlertRules",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Raw SQL: EF's SQLite table rebuild for a dropped column would lose the triggers on the store.
            migrationBuilder.Sql("ALTER TABLE \"AlertRules\" DROP COLUMN \"DriftFeature\";");
            migrationBuilder.Sql("ALTER TABLE \"AlertRules\" DROP COLUMN \"DriftMonitorId\";");
        }
    }
}
