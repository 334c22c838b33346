-- AlterTable
ALTER TABLE "ChannelAccount" ADD COLUMN     "configVersion" INTEGER NOT NULL DEFAULT 0;
