-- DropIndex
DROP INDEX "Conversation_firmId_lastMessageAt_idx";

-- CreateIndex
CREATE INDEX "Conversation_firmId_idx" ON "Conversation"("firmId");

-- Room on each page for the new version of a conversation row, so that the update every captured message makes
-- (last message and last inbound times, no indexed column) is a HOT update: no index entries, and the old version
-- is pruned from the page by the next reader without waiting for VACUUM.
ALTER TABLE "Conversation" SET (fillfactor = 70);
