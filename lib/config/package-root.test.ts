import fs from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { packageRoot } from "./package-root";

it("finds Assetbook's own package, with its migrations, from the module", () => {
  const root = packageRoot();
  expect(root).toBe(path.resolve(import.meta.dirname, "..", ".."));
  expect(fs.existsSync(path.join(root, "prisma", "migrations"))).toBe(true);
});
