-- AlterTable
ALTER TABLE "Activity" ADD COLUMN     "measuredMs" INTEGER;

-- AlterTable
ALTER TABLE "TimeEntry" ADD COLUMN     "editedAt" TIMESTAMPTZ(3),
ADD COLUMN     "endedAt" TIMESTAMPTZ(3),
ADD COLUMN     "seconds" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "startedAt" TIMESTAMPTZ(3),
ADD COLUMN     "writeOffReason" TEXT;

-- AlterTable
ALTER TABLE "TimeExportBatch" ADD COLUMN     "csv" TEXT NOT NULL,
ADD COLUMN     "csvSha256" TEXT NOT NULL,
ADD COLUMN     "fromDate" DATE NOT NULL,
ADD COLUMN     "ledes" TEXT NOT NULL,
ADD COLUMN     "sequence" INTEGER NOT NULL,
ADD COLUMN     "toDate" DATE NOT NULL;

-- CreateIndex
CREATE INDEX "TimeExportBatch_firmId_fromDate_toDate_idx" ON "TimeExportBatch"("firmId", "fromDate", "toDate");

-- CreateIndex
CREATE UNIQUE INDEX "TimeExportBatch_firmId_sequence_key" ON "TimeExportBatch"("firmId", "sequence");
