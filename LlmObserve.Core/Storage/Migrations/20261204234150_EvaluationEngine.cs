using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <summary>
    /// Adds the evaluation engine's tables: evaluators and their immutable versions, judge endpoints (keys as Data
    /// Protection ciphertext), one evaluation run per (evaluator, version, trace), backfills, the judge's spend per
    /// evaluator and UTC day, and the mark of projects whose default evaluators were created. A filtered unique index
    /// on <c>Scores</c> keeps each (evaluator, version, trace) to one score.
    /// </summary>
    public partial class EvaluationEngine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Evaluators",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Target = table.Column<string>(type: "TEXT", nullable: false),
                    FilterQuery = table.Column<string>(type: "TEXT", nullable: false),
                    FilterJson = table.Column<string>(type: "TEXT", nullable: true),
                    SamplingRate = table.Column<double>(type: "REAL", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CurrentVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    LiveCursorRowId = table.Column<long>(type: "INTEGER", nullable: false),
                    RateLimitedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    ConfigurationError = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Evaluators", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Evaluators_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EvaluatorSeeds",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    SeededAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvaluatorSeeds", x => x.ProjectId);
                });

            migrationBuilder.CreateTable(
                name: "JudgeEndpoints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Provider = table.Column<string>(type: "TEXT", nullable: false),
                    BaseUrl = table.Column<string>(type: "TEXT", nullable: false),
                    Model = table.Column<string>(type: "TEXT", nullable: false),
                    ApiVersion = table.Column<string>(type: "TEXT", nullable: true),
                    ProtectedApiKey = table.Column<string>(type: "TEXT", nullable: true),
                    TimeoutSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    MaxConcurrency = table.Column<int>(type: "INTEGER", nullable: false),
                    InputPricePerMillion = table.Column<decimal>(type: "TEXT", nullable: false),
                    OutputPricePerMillion = table.Column<decimal>(type: "TEXT", nullable: false),
                    RequestJsonFormat = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JudgeEndpoints", x => x.Id);
                    table.ForeignKey(
                        name: "FK_JudgeEndpoints_Projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "Projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EvaluationBackfills",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EvaluatorId = table.Column<string>(type: "TEXT", nullable: false),
                    EvaluatorVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    To = table.Column<long>(type: "INTEGER", nullable: false),
                    CursorRowId = table.Column<long>(type: "INTEGER", nullable: false),
                    UpToRowId = table.Column<long>(type: "INTEGER", nullable: false),
                    Claimed = table.Column<int>(type: "INTEGER", nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvaluationBackfills", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvaluationBackfills_Evaluators_EvaluatorId",
                        column: x => x.EvaluatorId,
                        principalTable: "Evaluators",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EvaluationRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    EvaluatorId = table.Column<string>(type: "TEXT", nullable: false),
                    EvaluatorVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    TraceId = table.Column<string>(type: "TEXT", nullable: false),
                    SpanId = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", nullable: true),
                    SkipReason = table.Column<string>(type: "TEXT", nullable: true),
                    RawReply = table.Column<string>(type: "TEXT", nullable: true),
                    ScoreId = table.Column<long>(type: "INTEGER", nullable: true),
                    JudgeTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LeaseToken = table.Column<string>(type: "TEXT", nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvaluationRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvaluationRuns_Evaluators_EvaluatorId",
                        column: x => x.EvaluatorId,
                        principalTable: "Evaluators",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "JudgeSpendDays",
                columns: table => new
                {
                    EvaluatorId = table.Column<string>(type: "TEXT", nullable: false),
                    Day = table.Column<string>(type: "TEXT", nullable: false),
                    Tokens = table.Column<long>(type: "INTEGER", nullable: false),
                    Cost = table.Column<double>(type: "REAL", nullable: false),
                    Calls = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_JudgeSpendDays", x => new { x.EvaluatorId, x.Day });
                    table.ForeignKey(
                        name: "FK_JudgeSpendDays_Evaluators_EvaluatorId",
                        column: x => x.EvaluatorId,
                        principalTable: "Evaluators",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "EvaluatorVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EvaluatorId = table.Column<string>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Target = table.Column<string>(type: "TEXT", nullable: false),
                    TemplateName = table.Column<string>(type: "TEXT", nullable: true),
                    Prompt = table.Column<string>(type: "TEXT", nullable: true),
                    LabelsJson = table.Column<string>(type: "TEXT", nullable: true),
                    JudgeEndpointId = table.Column<long>(type: "INTEGER", nullable: true),
                    Model = table.Column<string>(type: "TEXT", nullable: true),
                    Temperature = table.Column<double>(type: "REAL", nullable: true),
                    MaxTokensPerDay = table.Column<long>(type: "INTEGER", nullable: true),
                    MaxCostPerDay = table.Column<decimal>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvaluatorVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvaluatorVersions_Evaluators_EvaluatorId",
                        column: x => x.EvaluatorId,
                        principalTable: "Evaluators",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_EvaluatorVersions_JudgeEndpoints_JudgeEndpointId",
                        column: x => x.JudgeEndpointId,
                        principalTable: "JudgeEndpoints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "UX_Scores_Evaluator_Trace",
                table: "Scores",
                columns: new[] { "EvaluatorId", "EvaluatorVersion", "TraceId" },
                unique: true,
                filter: "\"EvaluatorId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationBackfills_EvaluatorId_CompletedAt",
                table: "EvaluationBackfills",
                columns: new[] { "EvaluatorId", "CompletedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationRuns_EvaluatorId_EvaluatorVersion_Status_FinishedAt",
                table: "EvaluationRuns",
                columns: new[] { "EvaluatorId", "EvaluatorVersion", "Status", "FinishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationRuns_EvaluatorId_EvaluatorVersion_TraceId",
                table: "EvaluationRuns",
                columns: new[] { "EvaluatorId", "EvaluatorVersion", "TraceId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationRuns_LeaseToken",
                table: "EvaluationRuns",
                column: "LeaseToken");

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationRuns_Status_NextAttemptAt",
                table: "EvaluationRuns",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Evaluators_ProjectId_Name",
                table: "Evaluators",
                columns: new[] { "ProjectId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvaluatorVersions_EvaluatorId_Version",
                table: "EvaluatorVersions",
                columns: new[] { "EvaluatorId", "Version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvaluatorVersions_JudgeEndpointId",
                table: "EvaluatorVersions",
                column: "JudgeEndpointId");

            migrationBuilder.CreateIndex(
                name: "IX_JudgeEndpoints_ProjectId_Name",
                table: "JudgeEndpoints",
                columns: new[] { "ProjectId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EvaluationBackfills");

            migrationBuilder.DropTable(
                name: "EvaluationRuns");

            migrationBuilder.DropTable(
                name: "EvaluatorSeeds");

            migrationBuilder.DropTable(
                name: "EvaluatorVersions");

            migrationBuilder.DropTable(
                name: "JudgeSpendDays");

            migrationBuilder.DropTable(
                name: "JudgeEndpoints");

            migrationBuilder.DropTable(
                name: "Evaluators");

            migrationBuilder.DropIndex(
                name: "UX_Scores_Evaluator_Trace",
                table: "Scores");
        }
    }
}
