-- Search (issue 8): a firm's messages in time order, newest first, as search reads them: the time a message shows
-- (sent, else captured) and its id to break ties. Written by hand: Prisma cannot express an index on an expression
-- (and leaves such an index alone when it compares the schema with the migrations).
CREATE INDEX "Message_firmId_at_idx" ON "Message" ("firmId", (COALESCE("sentAt", "capturedAt")), id);
