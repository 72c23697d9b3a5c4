import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["lib/**/*.test.ts", "test/**/*.test.ts", "bin/**/*.test.ts", "fixtures/**/*.test.ts", "workers/**/*.test.ts"],
    exclude: ["node_modules", "e2e", ".next"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two forks on CI's two cores: most of the suite waits on databases, child processes and
    // polls, and Vitest's default (one fewer than the cores) ran it one file at a time.
    maxWorkers: 2,
  },
});
