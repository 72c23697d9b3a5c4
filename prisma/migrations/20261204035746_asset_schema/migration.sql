-- AlterTable
ALTER TABLE "assets" ADD COLUMN     "schema" TEXT;
