using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class FeedbackLinking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Inference",
                table: "Feedback",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LinkedAt",
                table: "Feedback",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "Feedback",
                type: "TEXT",
                nullable: false,
                defaultValue: "api");

            migrationBuilder.CreateIndex(
                name: "IX_Feedback_Pending",
                table: "Feedback",
                column: "LinkedAt",
                filter: "\"LinkedAt\" IS NULL");

            // The application's request id in a trace's metadata (FeedbackRequestIds.OfTrace, spelled out here so
            // this migration keeps meaning what it meant), for linking feedback sent by request id.
            migrationBuilder.Sql("""
                CREATE INDEX IF NOT EXISTS "IX_Traces_RequestId" ON "Traces" ("ProjectId",
                    CAST(CASE WHEN json_valid("MetadataJson") THEN coalesce(json_extract("MetadataJson", '$.request_id'),
                        json_extract("MetadataJson", '$.requestId')) END AS TEXT))
                WHERE instr("MetadataJson", '"request') > 0
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite drops these columns in place; the rebuild EF would do otherwise trips over the score triggers.
            migrationBuilder.Sql("""DROP INDEX IF EXISTS "IX_Traces_RequestId" """);

            migrationBuilder.DropIndex(
                name: "IX_Feedback_Pending",
                table: "Feedback");

            migrationBuilder.Sql("""ALTER TABLE "Feedback" DROP COLUMN "Inference" """);

            migrationBuilder.Sql("""ALTER TABLE "Feedback" DROP COLUMN "LinkedAt" """);

            migrationBuilder.Sql("""ALTER TABLE "Feedback" DROP COLUMN "Source" """);
        }
    }
}
