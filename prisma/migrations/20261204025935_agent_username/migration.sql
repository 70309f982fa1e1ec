-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "username" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Agent_username_key" ON "Agent"("username");
