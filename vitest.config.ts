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
  },
});
