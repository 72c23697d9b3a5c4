import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const frameworkImports = {
  paths: [
    { name: "next", message: "lib/ is framework-free: Next.js belongs in app/." },
    { name: "react", message: "lib/ is framework-free: React belongs in app/." },
    { name: "react-dom", message: "lib/ is framework-free: React belongs in app/." },
  ],
  patterns: [
    {
      group: ["next/*", "react/*", "react-dom/*", "@next/*"],
      message: "lib/ is framework-free: Next.js and React belong in app/.",
    },
  ],
};

// The dependency rule (docs/architecture.md): a module of lib/ imports only from modules in
// lower layers (and lib/ never from app/, workers/ or bin/). Tests are exempt.
export const LAYERS = [
  ["config", "queue", "git"],
  ["warehouse", "notebook"],
  ["secrets", "outbound", "workspace", "graph", "partitions", "schedule", "checks", "ml", "preview", "diff", "importers"],
  ["extract", "catalog"],
  ["auth", "engine", "alerts"],
  ["lifecycle"],
  ["runs"],
  ["reviews", "gitsync"],
];

const layerZones = LAYERS.flatMap((layer, level) =>
  layer.map((module) => ({
    target: `./lib/${module}`,
    from: [...LAYERS.slice(level).flat().filter((other) => other !== module).map((other) => `./lib/${other}`), "./app", "./workers", "./bin"],
    message: `lib/${module} is in layer ${level + 1} of the dependency rule: it imports only from lower layers (${LAYERS.slice(0, level).flat().join(", ") || "none"}). See docs/architecture.md.`,
  })),
);

const productionLib = ["lib/**/*.{ts,tsx}"];
const testFiles = ["**/*.test.ts", "**/test-*.ts", "**/test-helpers.ts", "**/__fixtures__/**", "lib/**/conformance*.ts"];

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    files: ["lib/**/*.{ts,tsx,js,mjs,cjs}"],
    rules: { "no-restricted-imports": ["error", frameworkImports] },
  },
  {
    files: productionLib,
    ignores: testFiles,
    rules: {
      "import/no-restricted-paths": ["error", { zones: layerZones }],
      "import/no-cycle": ["error", { ignoreExternal: true }],
    },
  },
  globalIgnores([
    ".next/**",
    "out/**",
    "build/**",
    "next-env.d.ts",
    "test-results/**",
    "playwright-report/**",
    "data/**",
    ".tmp/**",
    // The built command line (scripts/build-cli.mjs).
    "dist/**",
  ]),
]);
