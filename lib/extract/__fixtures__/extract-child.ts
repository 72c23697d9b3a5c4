// Child process for the kill tests: runs the rides extract cell against the fitness API
// and prints a line per page, so the parent can SIGKILL it mid-pagination or mid-load.
import { parseNotebook } from "../../notebook";
import type { ExtractCell } from "../../notebook/types";
import { openDuckDbWarehouse } from "../../warehouse/duckdb-node";
import { runExtract } from "../run";

const [dbPath, dataDir, notebookText] = [process.argv[2], process.argv[3], process.env.NOTEBOOK_TEXT];
if (!dbPath || !dataDir || !notebookText) throw new Error("usage: extract-child DB DATA_DIR (NOTEBOOK_TEXT in env)");
const parsed = parseNotebook(notebookText, "child.md");
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const cell = parsed.notebook.cells.find((c): c is ExtractCell => c.type === "asset" && c.kind === "extract");
if (!cell) throw new Error("no extract cell");
const warehouse = await openDuckDbWarehouse({ path: dbPath, dataDir });
const outcome = await runExtract(warehouse, cell, {
  resolveSecret: (name) => process.env[name],
  onProgress: (p) => process.stdout.write(`page ${p.pages}\n`),
});
process.stdout.write(outcome.ok ? `done ${outcome.rows}\n` : `failed ${outcome.reason}\n`);
await warehouse.close();
