import { defineConfig, devices } from "@playwright/test";
import { OWNER_STATE } from "./e2e/owner";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;


const browser = {
  ...devices["Desktop Chrome"],
  // Debian's Chromium, not a browser downloaded by Playwright.
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  },
};

export default defineConfig({
  testDir: "e2e",
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    // First-run setup is itself under test (catalog.spec.ts creates the owner); then one
    // sign-in is saved and every other spec runs as that owner.
    { name: "first-run", testMatch: /catalog\.spec\.ts/, use: browser },
    { name: "sign-in", testMatch: /sign-in\.setup\.ts/, dependencies: ["first-run"], use: browser },
    {
      name: "chromium",
      testIgnore: [/catalog\.spec\.ts/, /sign-in\.setup\.ts/],
      dependencies: ["sign-in"],
      use: { ...browser, storageState: OWNER_STATE },
    },
  ],
  webServer: {
    // A fresh e2e workspace each start (first-run setup is under test): the catalog and
    // warehouse live in data/e2e; the server log is kept there for the setup link and
    // for the test that secrets and share tokens never reach the log.
    command: [
      "rm -rf data/e2e .tmp/e2e && mkdir -p data/e2e .tmp/e2e",
      "node bin/assetbook.mjs run notebooks/shop.md --db data/e2e/warehouse.duckdb > data/e2e/seed.log",
      "npx tsx e2e/seed-catalog.ts >> data/e2e/seed.log",
      // Type-checked by `npm test` before (next.config.ts).
      "ASSETBOOK_E2E_BUILD=1 npm run build",
      `npx next start -H 127.0.0.1 -p ${PORT} 2>&1 | tee data/e2e/server.log`,
    ].join(" && "),
    url: baseURL,
    timeout: 300_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NEXT_TELEMETRY_DISABLED: "1",
      // The catalog lies outside the data directory (cells read data/): lib/config refuses it there.
      ASSETBOOK_CATALOG_DIR: ".tmp/e2e/catalog",
      ASSETBOOK_WAREHOUSE: "data/e2e/warehouse.duckdb",
      ASSETBOOK_BASE_URL: baseURL,
      ASSETBOOK_AUTH_SECRET: "e2e-only-auth-secret-not-for-production-use",
      ASSETBOOK_SECRET_KEY: "e2e0".repeat(16),
    },
  },
});
