-- DropIndex
DROP INDEX "NoticeRecipient_noticeId_identityId_key";

-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "timeZone" TEXT;

-- AlterTable
ALTER TABLE "MatterEvent" ADD COLUMN     "createdById" TEXT;

-- AlterTable
ALTER TABLE "Notice" ADD COLUMN     "accountId" TEXT,
ADD COLUMN     "finishedAt" TIMESTAMPTZ(3),
ADD COLUMN     "startedAt" TIMESTAMPTZ(3),
ADD COLUMN     "surveyDays" INTEGER NOT NULL DEFAULT 7;

-- AlterTable
ALTER TABLE "NoticeRecipient" ADD COLUMN     "clientId" TEXT NOT NULL,
ADD COLUMN     "conversationId" TEXT,
ADD COLUMN     "language" TEXT,
ADD COLUMN     "matterId" TEXT,
ALTER COLUMN "identityId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "eventKey" TEXT NOT NULL,
ADD COLUMN     "nextAttemptAt" TIMESTAMPTZ(3),
ADD COLUMN     "occurredAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "subjectId" TEXT,
ALTER COLUMN "payload" DROP NOT NULL;

-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "createdById" TEXT,
ADD COLUMN     "description" TEXT;

-- CreateTable
CREATE TABLE "WebhookAttempt" (
    "id" BIGSERIAL NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" INTEGER,
    "error" TEXT,
    "durationMs" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WebhookAttempt_deliveryId_attempt_idx" ON "WebhookAttempt"("deliveryId", "attempt");

-- CreateIndex
CREATE INDEX "MatterEvent_matterId_startsAt_idx" ON "MatterEvent"("matterId", "startsAt");

-- CreateIndex
CREATE INDEX "Notice_firmId_createdAt_idx" ON "Notice"("firmId", "createdAt");

-- CreateIndex
CREATE INDEX "NoticeRecipient_identityId_idx" ON "NoticeRecipient"("identityId");

-- CreateIndex
CREATE INDEX "NoticeRecipient_noticeId_state_idx" ON "NoticeRecipient"("noticeId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "NoticeRecipient_noticeId_clientId_key" ON "NoticeRecipient"("noticeId", "clientId");

-- CreateIndex
CREATE INDEX "Reminder_state_sendAt_idx" ON "Reminder"("state", "sendAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_state_idx" ON "WebhookDelivery"("state");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_endpointId_eventKey_key" ON "WebhookDelivery"("endpointId", "eventKey");

-- CreateIndex
CREATE INDEX "WebhookEndpoint_firmId_idx" ON "WebhookEndpoint"("firmId");

-- AddForeignKey
ALTER TABLE "WebhookAttempt" ADD CONSTRAINT "WebhookAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "WebhookDelivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Outbound webhooks (docs/WEBHOOKS.md). The changes a firm's case-management system is told of are recorded by
-- triggers, in the transaction of the change itself: a WebhookDelivery per subscribed endpoint and its outbox row
-- (job webhook-<deliveryId>), which the outbox sweeper queues. Nothing is written for a firm without a subscribed
-- endpoint. Capture comes first: should recording the event fail, the change still commits (with a warning in the
-- server log) rather than a client's message being refused.
CREATE OR REPLACE FUNCTION matterline_emit_webhook(firm_id TEXT, event_name TEXT, subject_id TEXT) RETURNS void
  LANGUAGE plpgsql AS $$
BEGIN
  IF firm_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM "WebhookEndpoint" WHERE "firmId" = firm_id AND active AND event_name = ANY (events)
  ) THEN
    RETURN;
  END IF;
  BEGIN
    WITH delivery AS (
      INSERT INTO "WebhookDelivery" (id, "endpointId", event, "eventKey", "subjectId")
      SELECT gen_random_uuid()::text, e.id, event_name, event_name || ':' || subject_id, subject_id
        FROM "WebhookEndpoint" e
       WHERE e."firmId" = firm_id AND e.active AND event_name = ANY (e.events)
      ON CONFLICT ("endpointId", "eventKey") DO NOTHING
      RETURNING id
    )
    INSERT INTO "Outbox" ("jobName", "jobId", payload)
    SELECT 'webhook', 'webhook-' || delivery.id, jsonb_build_object('deliveryId', delivery.id) FROM delivery
    ON CONFLICT ("jobId") DO NOTHING;
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'matterline: webhook % of % not recorded: %', event_name, subject_id, SQLERRM;
  END;
END $$;

-- message.captured: a client's message when it is stored; the firm's own when it has left (sentAt set), since a
-- queued message may still be cancelled (STOP) and never reach the client.
CREATE OR REPLACE FUNCTION matterline_message_webhook() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.direction = 'inbound' OR NEW."sentAt" IS NOT NULL THEN
    PERFORM matterline_emit_webhook(NEW."firmId", 'message.captured', NEW.id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER message_webhook_captured
  AFTER INSERT ON "Message"
  FOR EACH ROW EXECUTE FUNCTION matterline_message_webhook();

CREATE TRIGGER message_webhook_sent
  AFTER UPDATE OF "sentAt" ON "Message"
  FOR EACH ROW WHEN (OLD."sentAt" IS NULL AND NEW."sentAt" IS NOT NULL)
  EXECUTE FUNCTION matterline_message_webhook();

-- consent.changed: every change of a contact's consent, and blocks and unblocks by the firm.
CREATE OR REPLACE FUNCTION matterline_consent_webhook() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM matterline_emit_webhook((SELECT "firmId" FROM "ContactIdentity" WHERE id = NEW."identityId"), 'consent.changed', NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER consent_event_webhook
  AFTER INSERT ON "ConsentEvent"
  FOR EACH ROW WHEN (NEW."fromState" IS DISTINCT FROM NEW."toState" OR NEW.source IN ('block', 'unblock'))
  EXECUTE FUNCTION matterline_consent_webhook();

-- time_entry.approved and conversation.assigned: the audit events that record them (actions time_entry.approve and
-- conversation.assigned) are the hook, so whatever approves an entry or files a conversation is covered as long as
-- it audits the act, which every such change must.
CREATE OR REPLACE FUNCTION matterline_audit_webhook() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM matterline_emit_webhook(
    NEW."firmId",
    CASE NEW.action WHEN 'time_entry.approve' THEN 'time_entry.approved' ELSE 'conversation.assigned' END,
    NEW.id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER audit_event_webhook
  AFTER INSERT ON "AuditEvent"
  FOR EACH ROW WHEN (NEW.action IN ('time_entry.approve', 'conversation.assigned'))
  EXECUTE FUNCTION matterline_audit_webhook();
