using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class AnnotationQueues : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AnnotationItemId",
                table: "Scores",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reviewer",
                table: "Scores",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AnnotationQueues",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Filter = table.Column<string>(type: "TEXT", nullable: false),
                    SampleSize = table.Column<int>(type: "INTEGER", nullable: true),
                    ReviewsPerItem = table.Column<int>(type: "INTEGER", nullable: false),
                    LeaseSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnnotationQueues", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AnnotationQueues_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AnnotationItems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    QueueId = table.Column<string>(type: "TEXT", nullable: false),
                    TraceId = table.Column<string>(type: "TEXT", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnnotationItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AnnotationItems_AnnotationQueues_QueueId",
                        column: x => x.QueueId,
                        principalTable: "AnnotationQueues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScoreConfigs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    QueueId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Labels = table.Column<string>(type: "TEXT", nullable: true),
                    Min = table.Column<double>(type: "REAL", nullable: true),
                    Max = table.Column<double>(type: "REAL", nullable: true),
                    Position = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScoreConfigs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScoreConfigs_AnnotationQueues_QueueId",
                        column: x => x.QueueId,
                        principalTable: "AnnotationQueues",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AnnotationLeases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ItemId = table.Column<long>(type: "INTEGER", nullable: false),
                    Reviewer = table.Column<string>(type: "TEXT", nullable: false),
                    ReviewerName = table.Column<string>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnnotationLeases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AnnotationLeases_AnnotationItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "AnnotationItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Scores_AnnotationItemId",
                table: "Scores",
                column: "AnnotationItemId",
                filter: "\"AnnotationItemId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AnnotationItems_QueueId_Position",
                table: "AnnotationItems",
                columns: new[] { "QueueId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_AnnotationItems_QueueId_TraceId",
                table: "AnnotationItems",
                columns: new[] { "QueueId", "TraceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AnnotationLeases_ItemId_Reviewer",
                table: "AnnotationLeases",
                columns: new[] { "ItemId", "Reviewer" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AnnotationLeases_Reviewer_State",
                table: "AnnotationLeases",
                columns: new[] { "Reviewer", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_AnnotationQueues_ProjectId_CreatedAt",
                table: "AnnotationQueues",
                columns: new[] { "ProjectId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ScoreConfigs_QueueId_Name",
                table: "ScoreConfigs",
                columns: new[] { "QueueId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // SQLite drops these columns in place; the rebuild EF would do otherwise trips over the score triggers.
            migrationBuilder.DropTable(
                name: "AnnotationLeases");

            migrationBuilder.DropTable(
                name: "ScoreConfigs");

            migrationBuilder.DropTable(
                name: "AnnotationItems");

            migrationBuilder.DropTable(
                name: "AnnotationQueues");

            migrationBuilder.DropIndex(
                name: "IX_Scores_AnnotationItemId",
                table: "Scores");

            migrationBuilder.Sql("""ALTER TABLE "Scores" DROP COLUMN "AnnotationItemId" """);

            migrationBuilder.Sql("""ALTER TABLE "Scores" DROP COLUMN "Reviewer" """);
        }
    }
}
