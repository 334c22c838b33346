-- A contact's other forms are learned as they arrive (issue 14): a WhatsApp user id (BSUID) that comes beside a phone
-- number is added to the contact's aliases, and a message that carries only one form finds the contact first seen
-- under another, and its direct conversation. The rest of matterline_capture_messages is as migration edits_by_their_sender wrote it.
CREATE OR REPLACE FUNCTION matterline_capture_messages(events jsonb)
  RETURNS TABLE (idx int, message_id text, conversation_id text, firm_id text, duplicate boolean, problem text)
  LANGUAGE plpgsql AS $$
DECLARE
  e jsonb;
  n int := 0;
  v_account text;
  v_provider_id text;
  v_address text;
  v_aliases text[];
  v_chat text;
  v_kind text;
  v_text text;
  v_sent_at timestamptz;
  v_inbound boolean;
  account_id text;
  account_firm text;
  stored_id text;
  stored_conversation text;
  stored_firm text;
  identity_id text;
  chat_id text;
  reply_id text;
  relates_id text;
BEGIN
  FOR e IN SELECT value FROM jsonb_array_elements(events) LOOP
    idx := n;
    n := n + 1;
    v_account := e->>'accountId';
    v_provider_id := e->>'providerMessageId';
    problem := NULL;

    SELECT m.id, m."conversationId", m."firmId" INTO stored_id, stored_conversation, stored_firm
      FROM "Message" m WHERE m."accountId" = v_account AND m."providerMessageId" = v_provider_id;
    IF FOUND THEN
      message_id := stored_id; conversation_id := stored_conversation; firm_id := stored_firm; duplicate := true;
      RETURN NEXT;
      CONTINUE;
    END IF;

    IF account_id IS DISTINCT FROM v_account THEN
      SELECT a.id, a."firmId" INTO account_id, account_firm FROM "ChannelAccount" a WHERE a.id = v_account;
      IF NOT FOUND THEN
        account_id := NULL;
        message_id := NULL; conversation_id := NULL; firm_id := NULL; duplicate := false; problem := 'unknown_account';
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;

    identity_id := NULL;
    v_aliases := '{}';
    IF jsonb_typeof(e->'contact') = 'object' THEN
      v_address := e->'contact'->>'address';
      -- The contact by its address (unique index), else by another form of it (GIN on aliases). One query with OR
      -- would read every contact of the account.
      v_aliases := ARRAY(SELECT jsonb_array_elements_text(coalesce(e->'contact'->'aliases', '[]'::jsonb)));
      SELECT i.id INTO identity_id FROM "ContactIdentity" i WHERE i."accountId" = account_id AND i.address = v_address;
      IF identity_id IS NULL THEN
        SELECT i.id INTO identity_id FROM "ContactIdentity" i
         WHERE i.aliases @> ARRAY[v_address] AND i."accountId" = account_id LIMIT 1;
      END IF;
      -- A contact first seen under another of its forms (a WhatsApp user id before the number was shared).
      IF identity_id IS NULL AND cardinality(v_aliases) > 0 THEN
        SELECT i.id INTO identity_id FROM "ContactIdentity" i
         WHERE i."accountId" = account_id AND i.address = ANY(v_aliases) ORDER BY i."createdAt" LIMIT 1;
      END IF;
      -- Forms learned since (the user id beside the number, the number beside the id): kept, so that a later message
      -- carrying only one of them finds the same contact. Read-only when nothing is new.
      IF identity_id IS NOT NULL AND cardinality(v_aliases) > 0 THEN
        UPDATE "ContactIdentity" i
           SET aliases = ARRAY(SELECT DISTINCT x FROM unnest(i.aliases || v_aliases || ARRAY[v_address]) x WHERE x <> i.address ORDER BY x)
         WHERE i.id = identity_id AND NOT (i.aliases || ARRAY[i.address]) @> (v_aliases || ARRAY[v_address]);
      END IF;
      IF identity_id IS NULL THEN
        INSERT INTO "ContactIdentity" (id, "firmId", "accountId", address, aliases, "displayName")
        VALUES (e->>'identityId', account_firm, account_id, v_address,
                ARRAY(SELECT jsonb_array_elements_text(coalesce(e->'contact'->'aliases', '[]'::jsonb))),
                e->'contact'->>'name')
        ON CONFLICT ("accountId", address) DO NOTHING
        RETURNING id INTO identity_id;
        IF identity_id IS NULL THEN
          SELECT i.id INTO STRICT identity_id FROM "ContactIdentity" i
           WHERE i."accountId" = account_id AND i.address = v_address;
        END IF;
      END IF;
    END IF;

    v_chat := e->>'chatExternalId';
    SELECT c.id INTO chat_id FROM "Conversation" c WHERE c."accountId" = account_id AND c."externalId" = v_chat;
    -- A direct chat is the contact's, whichever of their forms this message names.
    IF NOT FOUND AND e->>'chatKind' = 'direct' AND identity_id IS NOT NULL THEN
      SELECT c.id INTO chat_id FROM "Conversation" c
       WHERE c."accountId" = account_id AND c.kind = 'direct' AND c."identityId" = identity_id ORDER BY c."createdAt" LIMIT 1;
    END IF;
    IF chat_id IS NULL THEN
      INSERT INTO "Conversation" (id, "firmId", "accountId", "externalId", kind, "identityId", title)
      VALUES (e->>'conversationId', account_firm, account_id, v_chat, (e->>'chatKind')::"ConversationKind",
              CASE WHEN e->>'chatKind' = 'direct' THEN identity_id END, e->>'chatTitle')
      ON CONFLICT ("accountId", "externalId") DO NOTHING
      RETURNING id INTO chat_id;
      IF chat_id IS NULL THEN
        SELECT c.id INTO STRICT chat_id FROM "Conversation" c WHERE c."accountId" = account_id AND c."externalId" = v_chat;
      END IF;
    END IF;

    reply_id := NULL;
    IF e->>'replyToProviderId' IS NOT NULL THEN
      SELECT m.id INTO reply_id FROM "Message" m
       WHERE m."accountId" = account_id AND m."providerMessageId" = e->>'replyToProviderId';
    END IF;
    v_kind := e->>'messageKind';
    v_text := e->>'text';
    v_sent_at := to_timestamp((e->>'sentAtMs')::double precision / 1000);
    v_inbound := e->>'direction' = 'inbound';

    -- What an edit, deletion or reaction applies to: a message of the same conversation only; an edit or deletion
    -- only to a message of the same sender (a client's to their own message, the firm's phone to the firm's). Any
    -- other claim is kept as its own event, pointing at nothing, and its target stays untouched.
    relates_id := NULL;
    IF e->>'relatesToProviderId' IS NOT NULL THEN
      SELECT m.id INTO relates_id FROM "Message" m
       WHERE m."accountId" = account_id AND m."providerMessageId" = e->>'relatesToProviderId'
         AND m."conversationId" = chat_id
         AND (v_kind NOT IN ('edit', 'deletion')
              OR (v_inbound AND m.direction = 'inbound' AND identity_id IS NOT NULL AND m."identityId" = identity_id)
              OR (NOT v_inbound AND m.direction = 'outbound'));
    END IF;
    stored_id := NULL;
    INSERT INTO "Message" (id, "firmId", "accountId", "conversationId", "identityId", direction, kind,
       "providerMessageId", text, status, "sentAt", backfilled, "replyToId", "relatesToId", raw)
    VALUES (e->>'messageId', account_firm, account_id, chat_id, identity_id, (e->>'direction')::"MessageDirection",
       v_kind::"MessageKind", v_provider_id, v_text,
       (CASE WHEN v_inbound THEN 'received' ELSE 'sent' END)::"MessageStatus", v_sent_at,
       coalesce((e->>'backfilled')::boolean, false), reply_id, relates_id, e->'raw')
    ON CONFLICT ("accountId", "providerMessageId") DO NOTHING
    RETURNING id INTO stored_id;
    IF stored_id IS NULL THEN
      -- Another delivery of the same event committed while this one ran: the unique index made us wait for it.
      SELECT m.id, m."conversationId", m."firmId" INTO STRICT stored_id, stored_conversation, stored_firm
        FROM "Message" m WHERE m."accountId" = account_id AND m."providerMessageId" = v_provider_id;
      message_id := stored_id; conversation_id := stored_conversation; firm_id := stored_firm; duplicate := true;
      RETURN NEXT;
      CONTINUE;
    END IF;

    -- A deletion marks its target deleted by the sender and an edit records the new text; the target's row stays.
    IF relates_id IS NOT NULL THEN
      IF v_kind = 'deletion' THEN
        UPDATE "Message" SET "deletedBySender" = true WHERE id = relates_id;
      ELSIF v_kind = 'edit' THEN
        UPDATE "Message" SET "editedText" = v_text WHERE id = relates_id;
      END IF;
    END IF;

    IF jsonb_array_length(coalesce(e->'media', '[]'::jsonb)) > 0 THEN
      INSERT INTO "Attachment" (id, "messageId", "fileName", "mimeType", size, sha256, "providerMediaId", "sourceUrl",
         "blobKey", "keyId", state, error)
      SELECT a->>'id', stored_id, a->>'fileName', a->>'mimeType', (a->>'size')::int, a->>'sha256',
             a->>'providerMediaId', a->>'sourceUrl', a->>'blobKey', a->>'keyId', a->>'state', a->>'error'
        FROM jsonb_array_elements(e->'media') a;
      INSERT INTO "Outbox" ("jobName", "jobId", payload)
      SELECT 'media', 'media-' || (a->>'id'), jsonb_build_object('attachmentId', a->>'id')
        FROM jsonb_array_elements(e->'media') a
       WHERE a->>'state' = 'pending'
      ON CONFLICT ("jobId") DO NOTHING;
    END IF;

    UPDATE "Conversation"
       SET "lastMessageAt" = GREATEST(COALESCE("lastMessageAt", v_sent_at), v_sent_at),
           "lastInboundAt" = CASE WHEN v_inbound THEN GREATEST(COALESCE("lastInboundAt", v_sent_at), v_sent_at)
                                  ELSE "lastInboundAt" END
     WHERE id = chat_id
       AND ("lastMessageAt" IS NULL OR "lastMessageAt" < v_sent_at
            OR (v_inbound AND ("lastInboundAt" IS NULL OR "lastInboundAt" < v_sent_at)));

    INSERT INTO "Outbox" ("jobName", "jobId", payload)
    VALUES ('inbound', 'inbound-' || stored_id, jsonb_build_object('messageId', stored_id))
    ON CONFLICT ("jobId") DO NOTHING;

    message_id := stored_id; conversation_id := chat_id; firm_id := account_firm; duplicate := false;
    RETURN NEXT;
  END LOOP;
END $$;

-- Every lookup above has an index. PL/pgSQL keeps one generic plan per statement and connection, chosen after a few
-- calls: one chosen while the tables were nearly empty (a new firm, a database whose statistics are stale because
-- autovacuum is off) stayed a scan of every message of the account as the table grew (a sequential scan, or with
-- those forbidden, the wrong unique index read by account alone): history sync fell from 3,900 to 160 msg/s at
-- 50,000 messages. Each statement is planned for its own values and the table's present size instead.
ALTER FUNCTION matterline_capture_messages(jsonb) SET enable_seqscan = off;
ALTER FUNCTION matterline_capture_messages(jsonb) SET plan_cache_mode = force_custom_plan;
