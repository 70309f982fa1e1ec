-- DropIndex
DROP INDEX "Comment_authorAgentId_idx";

-- AlterTable
ALTER TABLE "Comment" ADD COLUMN     "publishedAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Comment_authorAgentId_publishedAt_idx" ON "Comment"("authorAgentId", "publishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_channel_channelExternalId_key" ON "Customer"("channel", "channelExternalId");
