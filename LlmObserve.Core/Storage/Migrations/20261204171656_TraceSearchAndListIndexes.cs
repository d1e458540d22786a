using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class TraceSearchAndListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Full-text search over trace name, input and output. An external-content FTS5 table indexes the
            // Traces rows by rowid without a second copy of the text; triggers keep it current inside whatever
            // transaction changes a trace (the writer's upsert included). The update trigger fires only when
            // searchable text changed, as most span arrivals move aggregates but not the text. detail=none keeps
            // rowids without word positions: the index and its cost per write shrink to a fraction, at the price
            // of phrase queries, which the list does not offer (every word must occur). Traces has no
            // INTEGER PRIMARY KEY, so a VACUUM may renumber rowids: run
            // INSERT INTO "TracesSearch"("TracesSearch") VALUES ('rebuild') after one.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "TracesSearch" USING fts5(
                    "Name", "InputText", "OutputText",
                    content='Traces', detail=none, tokenize='unicode61 remove_diacritics 2');

                CREATE TRIGGER "Traces_Search_AfterInsert" AFTER INSERT ON "Traces" BEGIN
                    INSERT INTO "TracesSearch"(rowid, "Name", "InputText", "OutputText")
                    VALUES (new.rowid, new."Name", new."InputText", new."OutputText");
                END;

                CREATE TRIGGER "Traces_Search_AfterDelete" AFTER DELETE ON "Traces" BEGIN
                    INSERT INTO "TracesSearch"("TracesSearch", rowid, "Name", "InputText", "OutputText")
                    VALUES ('delete', old.rowid, old."Name", old."InputText", old."OutputText");
                END;

                CREATE TRIGGER "Traces_Search_AfterUpdate" AFTER UPDATE OF "Name", "InputText", "OutputText" ON "Traces"
                WHEN old."Name" IS NOT new."Name"
                    OR old."InputText" IS NOT new."InputText"
                    OR old."OutputText" IS NOT new."OutputText"
                BEGIN
                    INSERT INTO "TracesSearch"("TracesSearch", rowid, "Name", "InputText", "OutputText")
                    VALUES ('delete', old.rowid, old."Name", old."InputText", old."OutputText");
                    INSERT INTO "TracesSearch"(rowid, "Name", "InputText", "OutputText")
                    VALUES (new.rowid, new."Name", new."InputText", new."OutputText");
                END;

                INSERT INTO "TracesSearch"("TracesSearch") VALUES ('rebuild');
                """);

            migrationBuilder.DropIndex(
                name: "IX_Traces_ProjectId_SessionId",
                table: "Traces");

            migrationBuilder.DropIndex(
                name: "IX_Traces_ProjectId_UserId",
                table: "Traces");

            migrationBuilder.CreateIndex(
                name: "IX_Traces_ProjectId_Cost_TraceId",
                table: "Traces",
                columns: new[] { "ProjectId", "Cost", "TraceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Traces_ProjectId_Environment_StartTimeUnixNano_TraceId",
                table: "Traces",
                columns: new[] { "ProjectId", "Environment", "StartTimeUnixNano", "TraceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Traces_ProjectId_LatencyMs_TraceId",
                table: "Traces",
                columns: new[] { "ProjectId", "LatencyMs", "TraceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Traces_ProjectId_SessionId_StartTimeUnixNano_TraceId",
                table: "Traces",
                columns: new[] { "ProjectId", "SessionId", "StartTimeUnixNano", "TraceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Traces_ProjectId_Status_StartTimeUnixNano_TraceId",
                table: "Traces",
                columns: new[] { "ProjectId", "Status", "StartTimeUnixNano", "TraceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Traces_ProjectId_TotalTokens_TraceId",
                table: "Traces",
                columns: new[] { "ProjectId", "TotalTokens", "TraceId" });

            migrationBuilder.CreateIndex(
                name: "IX_Traces_ProjectId_UserId_StartTimeUnixNano_TraceId",
                table: "Traces",
                columns: new[] { "ProjectId", "UserId", "StartTimeUnixNano", "TraceId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "Traces_Search_AfterUpdate";
                DROP TRIGGER IF EXISTS "Traces_Search_AfterDelete";
                DROP TRIGGER IF EXISTS "Traces_Search_AfterInsert";
                DROP TABLE IF EXISTS "TracesSearch";
                """);

            migrationBuilder.DropIndex(
                name: "IX_Traces_ProjectId_Cost_TraceId",
                table: "Traces");

            migrationBuilder.DropIndex(
                name: "IX_Traces_ProjectId_Environment_StartTimeUnixNano_TraceId",
                table: "Traces");

            migrationBuilder.DropIndex(
                name: "IX_Traces_ProjectId_LatencyMs_TraceId",
                table: "Traces");

            migrationBuilder.DropIndex(
                name: "IX_Traces_ProjectId_SessionId_StartTimeUnixNano_TraceId",
                table: "Traces");

            migrationBuilder.DropIndex(
                name: "IX_Traces_ProjectId_Status_StartTimeUnixNano_TraceId",
                table: "Traces");

            migrationBuilder.DropIndex(
                name: "IX_Traces_ProjectId_TotalTokens_TraceId",
                table: "Traces");

            migrationBuilder.DropIndex(
                name: "IX_Traces_ProjectId_UserId_StartTimeUnixNano_TraceId",
                table: "Traces");

            migrationBuilder.CreateIndex(
                name: "IX_Traces_ProjectId_SessionId",
                table: "Traces",
                columns: new[] { "ProjectId", "SessionId" });

            migrationBuilder.CreateIndex(
                name: "IX_Traces_ProjectId_UserId",
                table: "Traces",
                columns: new[] { "ProjectId", "UserId" });
        }
    }
}
