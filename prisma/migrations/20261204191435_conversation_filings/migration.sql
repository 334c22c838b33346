-- CreateTable
CREATE TABLE "ConversationFiling" (
    "conversationId" TEXT NOT NULL,
    "matterId" TEXT NOT NULL,
    "firstFiledAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversationFiling_pkey" PRIMARY KEY ("conversationId","matterId")
);

-- CreateIndex
CREATE INDEX "ConversationFiling_matterId_idx" ON "ConversationFiling"("matterId");

-- AddForeignKey
ALTER TABLE "ConversationFiling" ADD CONSTRAINT "ConversationFiling_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConversationFiling" ADD CONSTRAINT "ConversationFiling_matterId_fkey" FOREIGN KEY ("matterId") REFERENCES "Matter"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every filing, by whatever path (triage, routing, reminders, a hand-written UPDATE), is remembered by the database.
CREATE FUNCTION matterline_remember_filing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "ConversationFiling" ("conversationId", "matterId") VALUES (NEW.id, NEW."matterId")
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER conversation_filed_on_insert AFTER INSERT ON "Conversation"
  FOR EACH ROW WHEN (NEW."matterId" IS NOT NULL) EXECUTE FUNCTION matterline_remember_filing();
CREATE TRIGGER conversation_filed_on_update AFTER UPDATE OF "matterId" ON "Conversation"
  FOR EACH ROW WHEN (NEW."matterId" IS NOT NULL AND NEW."matterId" IS DISTINCT FROM OLD."matterId")
  EXECUTE FUNCTION matterline_remember_filing();

-- What is known of the past: each conversation's matter now, and every matter the audit log says it was filed under.
INSERT INTO "ConversationFiling" ("conversationId", "matterId")
SELECT id, "matterId" FROM "Conversation" WHERE "matterId" IS NOT NULL
ON CONFLICT DO NOTHING;
INSERT INTO "ConversationFiling" ("conversationId", "matterId", "firstFiledAt")
SELECT DISTINCT ON (a."subjectId", m.id) a."subjectId", m.id, a."createdAt"
  FROM "AuditEvent" a
  CROSS JOIN LATERAL (VALUES (a.details->>'matterId'), (a.details->>'previousMatterId')) AS v(matter_id)
  JOIN "Matter" m ON m.id = v.matter_id
  JOIN "Conversation" c ON c.id = a."subjectId"
 WHERE a.action = 'conversation.assigned' AND a."subjectType" = 'conversation'
ON CONFLICT DO NOTHING;
