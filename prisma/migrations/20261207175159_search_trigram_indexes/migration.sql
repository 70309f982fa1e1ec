-- Trigram operator classes for the GIN indexes below (substring search). Written by hand above
-- what the schema engine generated: schema.prisma does not declare the extension (see there).
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Ticket_key_trgm_idx" ON "Ticket" USING GIN ("key" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Ticket_subject_trgm_idx" ON "Ticket" USING GIN ("subject" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Ticket_description_trgm_idx" ON "Ticket" USING GIN ("description" gin_trgm_ops);
