-- CreateTable
CREATE TABLE "git_commits" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "sha" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "promotionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "git_commits_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "git_commits_workspaceId_promotionId_idx" ON "git_commits"("workspaceId", "promotionId");

-- CreateIndex
CREATE UNIQUE INDEX "git_commits_workspaceId_sha_key" ON "git_commits"("workspaceId", "sha");

-- AddForeignKey
ALTER TABLE "git_commits" ADD CONSTRAINT "git_commits_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
