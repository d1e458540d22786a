using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ModelPrices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ModelPrices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: true),
                    MatchKind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Match = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Provider = table.Column<string>(type: "TEXT", nullable: true),
                    EffectiveFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    InputPerMillion = table.Column<decimal>(type: "TEXT", nullable: false),
                    OutputPerMillion = table.Column<decimal>(type: "TEXT", nullable: false),
                    CacheReadPerMillion = table.Column<decimal>(type: "TEXT", nullable: true),
                    CacheWritePerMillion = table.Column<decimal>(type: "TEXT", nullable: true),
                    ReasoningPerMillion = table.Column<decimal>(type: "TEXT", nullable: true),
                    Tiers = table.Column<string>(type: "TEXT", nullable: false),
                    BuiltInKey = table.Column<string>(type: "TEXT", nullable: true),
                    Source = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelPrices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ModelPrices_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ModelPriceSeeds",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    ContentHash = table.Column<string>(type: "TEXT", nullable: false),
                    SeededAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelPriceSeeds", x => x.Key);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ModelPrices_BuiltInKey",
                table: "ModelPrices",
                column: "BuiltInKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ModelPrices_ProjectId_Match",
                table: "ModelPrices",
                columns: new[] { "ProjectId", "Match" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ModelPrices");

            migrationBuilder.DropTable(
                name: "ModelPriceSeeds");
        }
    }
}
