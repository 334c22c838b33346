-- Issue 18: the capture function back on PL/pgSQL's cached generic plans, which cost no planning per statement.
--
-- Migration contact_aliases_learned made every statement of matterline_capture_messages be planned for its own values
-- on every call (plan_cache_mode = force_custom_plan), because a generic plan chosen while "Message" was nearly empty
-- looked a message up by its account alone through the (accountId, idempotencyKey) unique index, reading every message
-- of the account on each capture. That index is now partial (only messages with a key are in it): a lookup that does
-- not say "idempotencyKey IS NOT NULL" cannot use it, so the (accountId, providerMessageId) unique index is the only
-- one a plan for a message by its provider id can take, whatever the table's size or statistics. Sequential scans stay
-- forbidden inside the function (a generic plan made on an empty table would otherwise prefer them).
DROP INDEX "Message_accountId_idempotencyKey_key";
CREATE UNIQUE INDEX "Message_accountId_idempotencyKey_key" ON "Message" ("accountId", "idempotencyKey") WHERE "idempotencyKey" IS NOT NULL;

ALTER FUNCTION matterline_capture_messages(jsonb) RESET plan_cache_mode;
