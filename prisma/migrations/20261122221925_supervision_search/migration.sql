-- Search (issue 7): trigram indexes need pg_trgm (a trusted extension: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "searchConfig" TEXT,
ADD COLUMN     "searchVector" tsvector;

-- CreateIndex
CREATE INDEX "Attachment_fileName_idx" ON "Attachment" USING GIN ("fileName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Client_name_idx" ON "Client" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "ContactIdentity_address_idx" ON "ContactIdentity" USING GIN ("address" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "ContactIdentity_displayName_idx" ON "ContactIdentity" USING GIN ("displayName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Message_searchVector_idx" ON "Message" USING GIN ("searchVector");

-- CreateIndex
CREATE INDEX "Message_text_idx" ON "Message" USING GIN ("text" gin_trgm_ops);

-- The text search configuration of a language tag: Spanish stems as Spanish, everything else as English.
CREATE OR REPLACE FUNCTION matterline_search_config(language TEXT) RETURNS regconfig
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN lower(split_part(coalesce(language, ''), '-', 1)) = 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END $$;

-- Keeps Message."searchVector" in the language of the message: its own, else its contact's, else its contact's
-- client's, else English. Written as a trigger (not a generated column) because the language may live on another row.
CREATE OR REPLACE FUNCTION matterline_message_search() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  language TEXT := NEW.language;
BEGIN
  IF language IS NULL AND NEW."identityId" IS NOT NULL THEN
    SELECT coalesce(i.language, cl.language) INTO language
      FROM "ContactIdentity" i LEFT JOIN "Client" cl ON cl.id = i."clientId"
     WHERE i.id = NEW."identityId";
  END IF;
  NEW."searchConfig" := matterline_search_config(language)::text;
  NEW."searchVector" := to_tsvector(NEW."searchConfig"::regconfig, coalesce(NEW.text, '') || ' ' || coalesce(NEW."editedText", ''));
  RETURN NEW;
END $$;

CREATE TRIGGER message_search
  BEFORE INSERT OR UPDATE OF text, "editedText", language, "identityId" ON "Message"
  FOR EACH ROW EXECUTE FUNCTION matterline_message_search();

-- A contact's language is often learnt after its first messages were stored (the inbound job guesses it): those
-- messages are indexed again. SKIP LOCKED: a message another transaction holds (a concurrent inbound job that waits
-- for this contact's lock) is left as it is rather than waited for, which could deadlock; it keeps its first index.
CREATE OR REPLACE FUNCTION matterline_contact_language_search() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Message" SET language = language
   WHERE id IN (SELECT m.id FROM "Message" m WHERE m."identityId" = NEW.id AND m.language IS NULL FOR UPDATE SKIP LOCKED);
  RETURN NULL;
END $$;

CREATE TRIGGER contact_language_search
  AFTER UPDATE OF language ON "ContactIdentity"
  FOR EACH ROW WHEN (OLD.language IS DISTINCT FROM NEW.language)
  EXECUTE FUNCTION matterline_contact_language_search();

UPDATE "Message" SET language = language;

-- The audit log is append-only (ARCHITECTURE invariant 6): rows are never changed or removed, not even by
-- Matterline. A superuser can still disable the trigger; the hash chain is what shows that (`matterline audit verify`).
CREATE OR REPLACE FUNCTION matterline_audit_append_only() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % on "AuditEvent" is refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_event_append_only
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION matterline_audit_append_only();

CREATE TRIGGER audit_event_no_truncate
  BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION matterline_audit_append_only();
