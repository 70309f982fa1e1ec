-- AlterTable
ALTER TABLE "Ticket" ADD COLUMN     "publicUpdatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Backfill (hand-added): until now every change counted, so the last public change is taken to be
-- the last change. Private notes made before this migration stay visible through it, as before.
UPDATE "Ticket" SET "publicUpdatedAt" = "updatedAt";

-- CreateIndex
CREATE INDEX "Ticket_publicUpdatedAt_idx" ON "Ticket"("publicUpdatedAt");
