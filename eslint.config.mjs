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

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    files: ["lib/**/*.{ts,tsx,js,mjs,cjs}"],
    rules: { "no-restricted-imports": ["error", frameworkImports] },
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
  ]),
]);
