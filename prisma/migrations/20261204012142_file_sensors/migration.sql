-- CreateTable
CREATE TABLE "sensor_files" (
    "id" TEXT NOT NULL,
    "notebookId" TEXT NOT NULL,
    "cell" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sensor_files_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sensor_files_notebookId_cell_path_version_key" ON "sensor_files"("notebookId", "cell", "path", "version");

-- AddForeignKey
ALTER TABLE "sensor_files" ADD CONSTRAINT "sensor_files_notebookId_fkey" FOREIGN KEY ("notebookId") REFERENCES "notebooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
