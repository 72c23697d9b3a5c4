import type { NextConfig } from "next";

const isDev = process.env.NODE_ENV === "development";

// Nothing leaves the app's origin: scripts, styles, fonts, workers, WebAssembly and
// fetches all come from 'self'. 'wasm-unsafe-eval' is for DuckDB-WASM; 'unsafe-eval'
// only in development (React's dev tooling). Inline scripts are Next's own bootstrap.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${isDev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "Referrer-Policy", value: "no-referrer" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

/**
 * The e2e suite's build (playwright.config.ts). `npm test` has type-checked the same files
 * with tsc before it, so the build does not again (39 s); in CI it builds a fresh clone once,
 * so it writes no Turbopack cache for later builds (33 s, beside the type check).
 */
const e2eBuild = process.env.ASSETBOOK_E2E_BUILD === "1";
const ci = process.env.CI === "true" || process.env.CI === "1";

const nextConfig: NextConfig = {
  typescript: { ignoreBuildErrors: e2eBuild },
  experimental: { turbopackFileSystemCacheForBuild: !(e2eBuild && ci) },
  // Native DuckDB binding: loaded with Node's require, never bundled.
  // The catalog store (PGlite's WebAssembly, Prisma's runtime) is loaded by Node as is.
  serverExternalPackages: ["@duckdb/node-api", "@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/client", "@prisma/adapter-pg", "pg", "better-auth", "graphile-worker"],
  poweredByHeader: false,
  reactStrictMode: true,
  turbopack: { root: import.meta.dirname },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
