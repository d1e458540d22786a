using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ScoreAndFeedbackClientIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ClientId",
                table: "Scores",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ClientId",
                table: "Feedback",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "UX_Scores_ClientId",
                table: "Scores",
                columns: new[] { "ProjectId", "ClientId" },
                unique: true,
                filter: "\"ClientId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "UX_Feedback_ClientId",
                table: "Feedback",
                columns: new[] { "ProjectId", "ClientId" },
                unique: true,
                filter: "\"ClientId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "UX_Scores_ClientId",
                table: "Scores");

            migrationBuilder.DropIndex(
                name: "UX_Feedback_ClientId",
                table: "Feedback");

            // SQLite drops these columns in place; the rebuild EF would do otherwise trips over the score triggers.
            migrationBuilder.Sql("""ALTER TABLE "Scores" DROP COLUMN "ClientId" """);

            migrationBuilder.Sql("""ALTER TABLE "Feedback" DROP COLUMN "ClientId" """);
        }
    }
}
