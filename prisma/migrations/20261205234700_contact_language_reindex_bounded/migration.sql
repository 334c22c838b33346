-- Issue 18: learning a contact's language no longer reads the whole record.
--
-- When the inbound job learns a contact's language (migration supervision_search), a trigger indexed the contact's
-- earlier messages again for search, in that language. It found them by "identityId", which had no index: every
-- contact whose language was learnt cost a sequential scan of "Message", inside the processing transaction. On a record
-- of 1,000,000 messages that took capture at saturation from 735 to 125 msg/s (bench section "full"), and a firm whose
-- linked phone brought years of history paid it for each of its contacts.
--
-- Now: nothing is read when the search configuration stays the same (the language learnt is the one the messages
-- were indexed in: their client's, or English), which is the usual case; otherwise the contact's messages are found
-- through their own index, and only those indexed in another configuration are written again.
CREATE INDEX "Message_identityId_idx" ON "Message"("identityId");

CREATE OR REPLACE FUNCTION matterline_contact_language_search() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  config text;
BEGIN
  config := matterline_search_config(coalesce(NEW.language, (SELECT cl.language FROM "Client" cl WHERE cl.id = NEW."clientId")))::text;
  IF config = matterline_search_config(coalesce(OLD.language, (SELECT cl.language FROM "Client" cl WHERE cl.id = OLD."clientId")))::text THEN
    RETURN NULL;
  END IF;
  UPDATE "Message" SET language = language
   WHERE id IN (SELECT m.id FROM "Message" m
                 WHERE m."identityId" = NEW.id AND m.language IS NULL AND m."searchConfig" IS DISTINCT FROM config
                   FOR UPDATE SKIP LOCKED);
  RETURN NULL;
END $$;
