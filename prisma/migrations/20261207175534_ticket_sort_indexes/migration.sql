-- DropIndex
DROP INDEX "Ticket_createdAt_idx";

-- DropIndex
DROP INDEX "Ticket_publicUpdatedAt_idx";

-- DropIndex
DROP INDEX "Ticket_updatedAt_idx";

-- CreateIndex
CREATE INDEX "Ticket_createdAt_id_idx" ON "Ticket"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Ticket_updatedAt_id_idx" ON "Ticket"("updatedAt", "id");

-- CreateIndex
CREATE INDEX "Ticket_publicUpdatedAt_id_idx" ON "Ticket"("publicUpdatedAt", "id");
