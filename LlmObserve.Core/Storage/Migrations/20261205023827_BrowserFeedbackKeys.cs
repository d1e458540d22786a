using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class BrowserFeedbackKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FeedbackOrigins",
                table: "Projects",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "ApiKeys",
                type: "TEXT",
                nullable: false,
                defaultValue: "all");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite drops these columns in place; the rebuild EF would do otherwise trips over the score triggers.
            migrationBuilder.Sql("""ALTER TABLE "Projects" DROP COLUMN "FeedbackOrigins" """);

            migrationBuilder.Sql("""ALTER TABLE "ApiKeys" DROP COLUMN "Scope" """);
        }
    }
}
