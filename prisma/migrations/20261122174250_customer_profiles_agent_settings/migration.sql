-- CreateEnum
CREATE TYPE "CustomerChannel" AS ENUM ('EMAIL', 'PHONE', 'WEB', 'TELEGRAM', 'WHATSAPP', 'FACEBOOK', 'TWITTER', 'VIBER', 'VK', 'CUSTOM');

-- CreateEnum
CREATE TYPE "TimeFormat" AS ENUM ('H12', 'H24');

-- CreateEnum
CREATE TYPE "EditMethod" AS ENUM ('HTML', 'MARKDOWN');

-- CreateEnum
CREATE TYPE "TicketReplyRedirect" AS ENUM ('STAY', 'NEXT', 'INBOX');

-- CreateEnum
CREATE TYPE "CustomFieldType" AS ENUM ('STRING', 'NUMBER', 'BOOLEAN', 'DATE');

-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "autoFollowOnCC" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "createdById" INTEGER,
ADD COLUMN     "deletedById" INTEGER,
ADD COLUMN     "editMethod" "EditMethod" NOT NULL DEFAULT 'HTML',
ADD COLUMN     "isPartTime" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reviewer" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sendPushNotifications" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "sendWebNotifications" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "ticketReplyRedirect" "TicketReplyRedirect" NOT NULL DEFAULT 'STAY',
ADD COLUMN     "timeFormat" "TimeFormat" NOT NULL DEFAULT 'H24',
ADD COLUMN     "timezone" TEXT,
ADD COLUMN     "updatedById" INTEGER;

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "blocked" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "blockedAt" TIMESTAMP(3),
ADD COLUMN     "channel" "CustomerChannel" NOT NULL DEFAULT 'EMAIL',
ADD COLUMN     "channelExternalId" TEXT,
ADD COLUMN     "companyName" TEXT,
ADD COLUMN     "companyPosition" TEXT,
ADD COLUMN     "confirmed" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "customChannel" TEXT,
ADD COLUMN     "customFields" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "customId" TEXT,
ADD COLUMN     "fullName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "isPlaceholder" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "language" TEXT,
ADD COLUMN     "linkGroup" TEXT,
ADD COLUMN     "note" TEXT,
ADD COLUMN     "thumbnailUrl" TEXT,
ADD COLUMN     "whatsappPhone" TEXT;

-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "spam" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "CustomFieldDefinition" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "CustomFieldType" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomFieldDefinition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdentificationCode" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "customerId" INTEGER NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdentificationCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CustomFieldDefinition_key_key" ON "CustomFieldDefinition"("key");

-- CreateIndex
CREATE UNIQUE INDEX "IdentificationCode_code_key" ON "IdentificationCode"("code");

-- CreateIndex
CREATE INDEX "IdentificationCode_customerId_idx" ON "IdentificationCode"("customerId");

-- CreateIndex
CREATE UNIQUE INDEX "Customer_customId_key" ON "Customer"("customId");

-- CreateIndex
CREATE INDEX "Customer_linkGroup_idx" ON "Customer"("linkGroup");

-- CreateIndex
CREATE INDEX "Customer_channel_idx" ON "Customer"("channel");

-- CreateIndex
CREATE INDEX "Ticket_spam_idx" ON "Ticket"("spam");

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_deletedById_fkey" FOREIGN KEY ("deletedById") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Agent" ADD CONSTRAINT "Agent_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "Agent"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IdentificationCode" ADD CONSTRAINT "IdentificationCode_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill (hand-added): existing customers get the joined name the domain code now maintains.
UPDATE "Customer" SET "fullName" = btrim(concat_ws(' ', NULLIF("firstName", ''), NULLIF("lastName", '')));
