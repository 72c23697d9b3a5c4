-- CreateEnum
CREATE TYPE "ConcurrencyScope" AS ENUM ('workspace', 'tag');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "RunTrigger" ADD VALUE 'upstream';
ALTER TYPE "RunTrigger" ADD VALUE 'cli';

-- CreateTable
CREATE TABLE "concurrency_limits" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "scope" "ConcurrencyScope" NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "limit" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "concurrency_limits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "concurrency_slots" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "pool" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "concurrency_slots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "concurrency_limits_workspaceId_scope_name_key" ON "concurrency_limits"("workspaceId", "scope", "name");

-- CreateIndex
CREATE INDEX "concurrency_slots_workspaceId_pool_idx" ON "concurrency_slots"("workspaceId", "pool");

-- CreateIndex
CREATE INDEX "concurrency_slots_runId_idx" ON "concurrency_slots"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "concurrency_slots_pool_runId_holder_key" ON "concurrency_slots"("pool", "runId", "holder");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_tokenHash_key" ON "api_tokens"("tokenHash");

-- CreateIndex
CREATE INDEX "api_tokens_workspaceId_createdAt_idx" ON "api_tokens"("workspaceId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "concurrency_limits" ADD CONSTRAINT "concurrency_limits_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "concurrency_slots" ADD CONSTRAINT "concurrency_slots_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "concurrency_slots" ADD CONSTRAINT "concurrency_slots_runId_fkey" FOREIGN KEY ("runId") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
