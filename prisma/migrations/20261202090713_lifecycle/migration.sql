-- AlterTable
ALTER TABLE "assets" ADD COLUMN     "productionVersion" TEXT;

-- AlterTable
ALTER TABLE "notebooks" ADD COLUMN     "productionVersionId" TEXT;

-- CreateTable
CREATE TABLE "promotions" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "env" TEXT NOT NULL,
    "planHash" TEXT NOT NULL,
    "changed" TEXT[],
    "notebooks" TEXT[],
    "promotedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "promotions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "promotions_workspaceId_seq_key" ON "promotions"("workspaceId", "seq");

-- AddForeignKey
ALTER TABLE "notebooks" ADD CONSTRAINT "notebooks_productionVersionId_fkey" FOREIGN KEY ("productionVersionId") REFERENCES "notebook_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "promotions" ADD CONSTRAINT "promotions_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
