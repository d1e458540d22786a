using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LlmObserve.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class TraceSearchOffTheCommit : Migration
    {
        private const string ListIndexes = """
            CREATE INDEX "IX_Traces_ProjectId_StartTimeUnixNano_TraceId"
                ON "Traces" ("ProjectId", "StartTimeUnixNano", "TraceId");
            CREATE INDEX "IX_Traces_ProjectId_SessionId_StartTimeUnixNano_TraceId"
                ON "Traces" ("ProjectId", "SessionId", "StartTimeUnixNano", "TraceId");
            CREATE INDEX "IX_Traces_ProjectId_UserId_StartTimeUnixNano_TraceId"
                ON "Traces" ("ProjectId", "UserId", "StartTimeUnixNano", "TraceId");
            CREATE INDEX "IX_Traces_ProjectId_LatencyMs_TraceId" ON "Traces" ("ProjectId", "LatencyMs", "TraceId");
            CREATE INDEX "IX_Traces_ProjectId_Cost_TraceId" ON "Traces" ("ProjectId", "Cost", "TraceId");
            CREATE INDEX "IX_Traces_ProjectId_TotalTokens_TraceId" ON "Traces" ("ProjectId", "TotalTokens", "TraceId");
            CREATE INDEX "IX_Traces_ProjectId_Status_StartTimeUnixNano_TraceId"
                ON "Traces" ("ProjectId", "Status", "StartTimeUnixNano", "TraceId");
            CREATE INDEX "IX_Traces_ProjectId_Environment_StartTimeUnixNano_TraceId"
                ON "Traces" ("ProjectId", "Environment", "StartTimeUnixNano", "TraceId");
            """;

        private const string CopiedColumns = """
            "ProjectId", "TraceId", "Name", "SessionId", "UserId", "Environment", "Release", "Version",
            "StartTimeUnixNano", "EndTimeUnixNano", "LatencyMs", "Status", "Models", "InputTokens", "OutputTokens",
            "CachedTokens", "ReasoningTokens", "TotalTokens", "Cost", "SpanCount", "ErrorCount", "RootMissing",
            "UpdatedAtUnixNano", "TagsJson", "MetadataJson", "InputText", "OutputText"
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Search leaves the acknowledged commit: the span writer indexes changed traces in its own transactions
            // (TraceSearchIndexer), so triggers now only note which trace changed, in TracesSearchPending, which is
            // durable with the change itself and so survives a crash before indexing.
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "Traces_Search_AfterUpdate";
                DROP TRIGGER IF EXISTS "Traces_Search_AfterDelete";
                DROP TRIGGER IF EXISTS "Traces_Search_AfterInsert";
                DROP TABLE IF EXISTS "TracesSearch";
                """);

            // The index refers to a trace by its rowid, which a VACUUM may renumber unless it is an INTEGER PRIMARY
            // KEY: Traces gets one ("Id"; AUTOINCREMENT, so a deleted trace's number is never given to another).
            // The table is rebuilt for it, with the large texts last so that the columns every upsert and list row
            // reads stay in the row's first page instead of behind its overflow chain.
            migrationBuilder.Sql($"""
                CREATE TABLE "ef_temp_Traces" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_Traces" PRIMARY KEY AUTOINCREMENT,
                    "ProjectId" TEXT NOT NULL,
                    "TraceId" TEXT NOT NULL,
                    "Name" TEXT NULL,
                    "SessionId" TEXT NULL,
                    "UserId" TEXT NULL,
                    "Environment" TEXT NULL,
                    "Release" TEXT NULL,
                    "Version" TEXT NULL,
                    "StartTimeUnixNano" INTEGER NOT NULL,
                    "EndTimeUnixNano" INTEGER NOT NULL,
                    "LatencyMs" REAL NOT NULL,
                    "Status" TEXT NOT NULL,
                    "Models" TEXT NULL,
                    "InputTokens" INTEGER NOT NULL,
                    "OutputTokens" INTEGER NOT NULL,
                    "CachedTokens" INTEGER NOT NULL,
                    "ReasoningTokens" INTEGER NOT NULL,
                    "TotalTokens" INTEGER NOT NULL,
                    "Cost" REAL NULL,
                    "SpanCount" INTEGER NOT NULL,
                    "ErrorCount" INTEGER NOT NULL,
                    "RootMissing" INTEGER NOT NULL,
                    "UpdatedAtUnixNano" INTEGER NOT NULL,
                    "TagsJson" TEXT NULL,
                    "MetadataJson" TEXT NULL,
                    "InputText" TEXT NULL,
                    "OutputText" TEXT NULL
                );
                INSERT INTO "ef_temp_Traces" ({CopiedColumns})
                SELECT {CopiedColumns} FROM "Traces" ORDER BY rowid;
                DROP TABLE "Traces";
                ALTER TABLE "ef_temp_Traces" RENAME TO "Traces";
                CREATE UNIQUE INDEX "IX_Traces_ProjectId_TraceId" ON "Traces" ("ProjectId", "TraceId");
                {ListIndexes}
                """);

            // Contentless: the index keeps no copy of the text, and contentless_delete lets a trace's entry be
            // replaced or deleted without its old text. detail=none as before (terms without positions).
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "TracesSearch" USING fts5(
                    "Name", "InputText", "OutputText",
                    content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2');

                CREATE TABLE "TracesSearchPending" ("TraceRowId" INTEGER PRIMARY KEY);

                -- ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: inside a trigger, an OR clause gives way to
                -- the conflict policy of the statement that fired it (the writer's upsert), and would fail.

                CREATE TRIGGER "Traces_SearchPending_AfterInsert" AFTER INSERT ON "Traces" BEGIN
                    INSERT INTO "TracesSearchPending" ("TraceRowId") VALUES (new."Id") ON CONFLICT DO NOTHING;
                END;

                CREATE TRIGGER "Traces_SearchPending_AfterUpdate"
                AFTER UPDATE OF "Name", "InputText", "OutputText" ON "Traces"
                WHEN old."Name" IS NOT new."Name"
                    OR old."InputText" IS NOT new."InputText"
                    OR old."OutputText" IS NOT new."OutputText"
                BEGIN
                    INSERT INTO "TracesSearchPending" ("TraceRowId") VALUES (new."Id") ON CONFLICT DO NOTHING;
                END;

                CREATE TRIGGER "Traces_Search_AfterDelete" AFTER DELETE ON "Traces" BEGIN
                    DELETE FROM "TracesSearch" WHERE rowid = old."Id";
                    DELETE FROM "TracesSearchPending" WHERE "TraceRowId" = old."Id";
                END;

                INSERT INTO "TracesSearchPending" ("TraceRowId") SELECT "Id" FROM "Traces";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS "Traces_Search_AfterDelete";
                DROP TRIGGER IF EXISTS "Traces_SearchPending_AfterUpdate";
                DROP TRIGGER IF EXISTS "Traces_SearchPending_AfterInsert";
                DROP TABLE IF EXISTS "TracesSearchPending";
                DROP TABLE IF EXISTS "TracesSearch";
                """);

            migrationBuilder.Sql($"""
                CREATE TABLE "ef_temp_Traces" (
                    "ProjectId" TEXT NOT NULL,
                    "TraceId" TEXT NOT NULL,
                    "Name" TEXT NULL,
                    "SessionId" TEXT NULL,
                    "UserId" TEXT NULL,
                    "Environment" TEXT NULL,
                    "Release" TEXT NULL,
                    "Version" TEXT NULL,
                    "TagsJson" TEXT NULL,
                    "MetadataJson" TEXT NULL,
                    "StartTimeUnixNano" INTEGER NOT NULL,
                    "EndTimeUnixNano" INTEGER NOT NULL,
                    "LatencyMs" REAL NOT NULL,
                    "Status" TEXT NOT NULL,
                    "InputText" TEXT NULL,
                    "OutputText" TEXT NULL,
                    "Models" TEXT NULL,
                    "InputTokens" INTEGER NOT NULL,
                    "OutputTokens" INTEGER NOT NULL,
                    "CachedTokens" INTEGER NOT NULL,
                    "ReasoningTokens" INTEGER NOT NULL,
                    "TotalTokens" INTEGER NOT NULL,
                    "Cost" REAL NULL,
                    "SpanCount" INTEGER NOT NULL,
                    "ErrorCount" INTEGER NOT NULL,
                    "RootMissing" INTEGER NOT NULL,
                    "UpdatedAtUnixNano" INTEGER NOT NULL,
                    CONSTRAINT "PK_Traces" PRIMARY KEY ("ProjectId", "TraceId")
                );
                INSERT INTO "ef_temp_Traces" ({CopiedColumns})
                SELECT {CopiedColumns} FROM "Traces" ORDER BY "Id";
                DROP TABLE "Traces";
                ALTER TABLE "ef_temp_Traces" RENAME TO "Traces";
                {ListIndexes}
                """);

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
        }
    }
}
