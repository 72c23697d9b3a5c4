-- AlterTable
ALTER TABLE "secrets" ADD COLUMN     "allowedHosts" TEXT[] DEFAULT ARRAY[]::TEXT[];
