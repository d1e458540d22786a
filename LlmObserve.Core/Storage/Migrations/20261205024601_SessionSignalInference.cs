using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SessionSignalInference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "FeedbackInferenceStates",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    TraceRowCursor = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FeedbackInferenceStates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SessionInferenceQueue",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    SessionId = table.Column<string>(type: "TEXT", nullable: false),
                    CheckAfter = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SessionInferenceQueue", x => new { x.ProjectId, x.SessionId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_Feedback_Inferred",
                table: "Feedback",
                columns: new[] { "ProjectId", "TraceId", "Kind" },
                unique: true,
                filter: "\"Source\" = 'inferred'");

            migrationBuilder.CreateIndex(
                name: "IX_SessionInferenceQueue_CheckAfter",
                table: "SessionInferenceQueue",
                column: "CheckAfter");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FeedbackInferenceStates");

            migrationBuilder.DropTable(
                name: "SessionInferenceQueue");

            migrationBuilder.DropIndex(
                name: "IX_Feedback_Inferred",
                table: "Feedback");
        }
    }
}
