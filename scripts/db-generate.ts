// `npm run db:generate`: writes the Prisma client to lib/catalog/generated
// (gitignored). Runs offline: `prisma generate` only wants a schema engine binary
// to exist (it never runs it), and would otherwise try to download one, so it is
// pointed at a file that exists unless a real engine is configured.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const schema = path.join(root, "prisma", "schema.prisma");
const prismaPackage = createRequire(import.meta.url).resolve("prisma/package.json");
const cli = path.join(path.dirname(prismaPackage), "build", "index.js");

const configured = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
const engine = configured && existsSync(configured) ? configured : schema;

const result = spawnSync(process.execPath, [cli, "generate", "--schema", schema], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
process.exit(result.status ?? 1);
