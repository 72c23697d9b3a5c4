-- AlterTable
ALTER TABLE "review_revisions" ADD COLUMN     "commit" TEXT;

-- AlterTable
ALTER TABLE "reviews" ADD COLUMN     "branch" TEXT;

-- CreateIndex
CREATE INDEX "reviews_workspaceId_branch_idx" ON "reviews"("workspaceId", "branch");
