using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class OfflineEvaluatorMethod : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Method",
                table: "EvaluatorVersions",
                type: "TEXT",
                nullable: true);

            // Every offline version written before this column was scored by the first method of its kind; start-up
            // then gives a new version to the kinds whose method changed since (groundedness: offline-2).
            migrationBuilder.Sql(
                "UPDATE EvaluatorVersions SET Method = 'offline-1' WHERE EvaluatorId IN (SELECT Id FROM Evaluators "
                + "WHERE Kind IN ('groundedness', 'answer_relevance', 'refusal', 'pii', 'language'));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // EF refuses DropColumn on SQLite; SQLite itself has dropped columns since 3.35.
            migrationBuilder.Sql("ALTER TABLE EvaluatorVersions DROP COLUMN Method;");
        }
    }
}
