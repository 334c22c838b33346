-- AlterTable
ALTER TABLE "Client" ADD COLUMN     "closedAt" TIMESTAMPTZ(3);
