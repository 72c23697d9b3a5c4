-- AlterEnum
ALTER TYPE "RunTrigger" ADD VALUE 'sensor';

-- CreateTable
CREATE TABLE "notebook_sensors" (
    "notebookId" TEXT NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "iv" BYTEA NOT NULL,
    "tag" BYTEA NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notebook_sensors_pkey" PRIMARY KEY ("notebookId")
);

-- AddForeignKey
ALTER TABLE "notebook_sensors" ADD CONSTRAINT "notebook_sensors_notebookId_fkey" FOREIGN KEY ("notebookId") REFERENCES "notebooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
