-- AlterTable
ALTER TABLE "Agent" ADD COLUMN     "ldKey" TEXT,
ADD COLUMN     "onboarding" JSONB,
ADD COLUMN     "projectsCompanyId" INTEGER,
ADD COLUMN     "trainingWheelsEnrollment" JSONB;
