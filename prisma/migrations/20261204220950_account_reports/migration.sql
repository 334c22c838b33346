-- CreateTable
CREATE TABLE "AccountReport" (
    "id" TEXT NOT NULL,
    "firmId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "raw" JSONB,
    "dedupeKey" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccountReport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AccountReport_accountId_createdAt_idx" ON "AccountReport"("accountId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AccountReport_accountId_dedupeKey_key" ON "AccountReport"("accountId", "dedupeKey");

-- AddForeignKey
ALTER TABLE "AccountReport" ADD CONSTRAINT "AccountReport_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "ChannelAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
