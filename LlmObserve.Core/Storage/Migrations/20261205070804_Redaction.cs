using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class Redaction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RedactionsJson",
                table: "Spans",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RedactionDetectors",
                table: "Projects",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RedactionPatternsJson",
                table: "Projects",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("ALTER TABLE \"Spans\" DROP COLUMN \"RedactionsJson\";");

            migrationBuilder.Sql("ALTER TABLE \"Projects\" DROP COLUMN \"RedactionDetectors\";");

            migrationBuilder.Sql("ALTER TABLE \"Projects\" DROP COLUMN \"RedactionPatternsJson\";");
        }
    }
}
