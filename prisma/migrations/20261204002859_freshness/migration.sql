-- AlterTable
ALTER TABLE "assets" ADD COLUMN     "freshnessPolicy" JSONB;

-- CreateTable
CREATE TABLE "asset_freshness" (
    "assetId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "trackedSince" TIMESTAMP(3) NOT NULL,
    "evaluatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "asset_freshness_pkey" PRIMARY KEY ("assetId")
);

-- CreateTable
CREATE TABLE "freshness_events" (
    "id" TEXT NOT NULL,
    "assetId" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "previous" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "freshness_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "freshness_events_assetId_createdAt_idx" ON "freshness_events"("assetId", "createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "freshness_events_assetId_state_since_key" ON "freshness_events"("assetId", "state", "since");

-- AddForeignKey
ALTER TABLE "asset_freshness" ADD CONSTRAINT "asset_freshness_assetId_fkey" FOREIGN KEY ("assetId") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "freshness_events" ADD CONSTRAINT "freshness_events_assetId_fkey" FOREIGN KEY ("assetId") REFERENCES "assets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
