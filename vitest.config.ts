import { defineConfig } from "vitest/config";
import path from "node:path";

const everything = ["lib/**/*.test.ts", "test/**/*.test.ts", "bin/**/*.test.ts", "fixtures/**/*.test.ts", "workers/**/*.test.ts"];
const app = ["test/app/**/*.test.ts"];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    exclude: ["node_modules", "e2e", ".next"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two forks on CI's two cores: most of the suite waits on databases, child processes and
    // polls, and Vitest's default (one fewer than the cores) ran it one file at a time.
    maxWorkers: 2,
    projects: [
      // The app's route handlers keep their configuration, sessions and mocks in module state:
      // each file gets its own modules.
      { extends: true, test: { name: "app", include: app, isolate: true } },
      // Everything else shares a fork's modules between files: evaluating them again for
      // every file was a third of the suite's time (849 s against 577 s on two cores).
      { extends: true, test: { name: "lib", include: everything, exclude: ["node_modules", "e2e", ".next", ...app], isolate: false } },
    ],
  },
});
