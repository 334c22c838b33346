-- CreateEnum
CREATE TYPE "PrivilegeKind" AS ENUM ('attorney_client', 'work_product');

-- CreateTable
CREATE TABLE "PrivilegeMark" (
    "id" TEXT NOT NULL,
    "firmId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "messageId" TEXT,
    "privilege" "PrivilegeKind" NOT NULL,
    "basis" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "markedById" TEXT NOT NULL,
    "markedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" TIMESTAMPTZ(3),
    "removedById" TEXT,
    "removedReason" TEXT,

    CONSTRAINT "PrivilegeMark_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PrivilegeMark_conversationId_idx" ON "PrivilegeMark"("conversationId");

-- CreateIndex
CREATE INDEX "PrivilegeMark_messageId_idx" ON "PrivilegeMark"("messageId");

-- AddForeignKey
ALTER TABLE "PrivilegeMark" ADD CONSTRAINT "PrivilegeMark_firmId_fkey" FOREIGN KEY ("firmId") REFERENCES "Firm"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrivilegeMark" ADD CONSTRAINT "PrivilegeMark_conversationId_fkey" FOREIGN KEY ("conversationId") REFERENCES "Conversation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrivilegeMark" ADD CONSTRAINT "PrivilegeMark_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrivilegeMark" ADD CONSTRAINT "PrivilegeMark_markedById_fkey" FOREIGN KEY ("markedById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrivilegeMark" ADD CONSTRAINT "PrivilegeMark_removedById_fkey" FOREIGN KEY ("removedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Written by hand: one standing mark per message, and one per whole conversation.
CREATE UNIQUE INDEX "PrivilegeMark_standing_message_key" ON "PrivilegeMark"("messageId") WHERE "removedAt" IS NULL AND "messageId" IS NOT NULL;
CREATE UNIQUE INDEX "PrivilegeMark_standing_conversation_key" ON "PrivilegeMark"("conversationId") WHERE "removedAt" IS NULL AND "messageId" IS NULL;
