-- AlterTable
ALTER TABLE "TicketWatcher" ADD COLUMN     "addedByCustomer" BOOLEAN NOT NULL DEFAULT false;
