-- AlterTable
ALTER TABLE "assets" ADD COLUMN     "upstream" TEXT[] DEFAULT ARRAY[]::TEXT[];
