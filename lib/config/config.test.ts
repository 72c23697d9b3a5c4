import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from ".";

const cwd = "/srv/app";

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env, cwd);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("embedded defaults live under the working directory's data/ and notebooks/", () => {
    const config = parseConfig({}, cwd);
    expect(config).toMatchObject({
      databaseUrl: null,
      dataDir: "/srv/app/data",
      catalogDir: "/srv/app/data/catalog",
      warehouse: { kind: "duckdb", path: "/srv/app/data/warehouse.duckdb" },
      notebooksDir: "/srv/app/notebooks",
      secretKey: { file: "/srv/app/data/secret-key" },
      authSecret: { file: "/srv/app/data/auth-secret" },
      envSecrets: [],
      embeddedWorkers: true,
      workspaceSlug: "default",
    });
  });

  it("the data directory moves the catalog, the warehouse and the key files with it", () => {
    const config = parseConfig({ ASSETBOOK_DATA_DIR: "state" }, cwd);
    expect([config.catalogDir, config.warehouse, config.secretKey]).toEqual([
      "/srv/app/state/catalog",
      { kind: "duckdb", path: "/srv/app/state/warehouse.duckdb" },
      { file: "/srv/app/state/secret-key" },
    ]);
  });

  it("reads ASSETBOOK_WAREHOUSE as duckdb:<file>, a plain file, or postgres:<url> (as the README documents team mode)", () => {
    expect(parseConfig({ ASSETBOOK_WAREHOUSE: "postgres:postgres://u:p@db:5432/wh" }, cwd).warehouse).toEqual({ kind: "postgres", url: "postgres://u:p@db:5432/wh" });
    expect(parseConfig({ ASSETBOOK_WAREHOUSE: "duckdb:prod.duckdb" }, cwd).warehouse).toEqual({ kind: "duckdb", path: path.join(cwd, "prod.duckdb") });
    expect(parseConfig({ ASSETBOOK_WAREHOUSE: "/abs/prod.duckdb" }, cwd).warehouse).toEqual({ kind: "duckdb", path: "/abs/prod.duckdb" });
  });

  it("honours ASSETBOOK_NOTEBOOKS_DIR (and the older NOTEBOOKS_DIR) for every host", () => {
    expect(parseConfig({ ASSETBOOK_NOTEBOOKS_DIR: "/work/nb" }, cwd).notebooksDir).toBe("/work/nb");
    expect(parseConfig({ NOTEBOOKS_DIR: "nb" }, cwd).notebooksDir).toBe("/srv/app/nb");
    expect(parseConfig({ ASSETBOOK_NOTEBOOKS_DIR: "a", NOTEBOOKS_DIR: "b" }, cwd).notebooksDir).toBe("/srv/app/a");
  });

  it("team mode: DATABASE_URL turns the embedded workers off; blank values count as unset", () => {
    expect(parseConfig({ DATABASE_URL: "postgresql://u:p@127.0.0.1/db" }, cwd)).toMatchObject({ databaseUrl: "postgresql://u:p@127.0.0.1/db", embeddedWorkers: false });
    expect(parseConfig({ DATABASE_URL: "  ", ASSETBOOK_WORKERS: "" }, cwd)).toMatchObject({ databaseUrl: null, embeddedWorkers: true });
    expect(parseConfig({ ASSETBOOK_WORKERS: "off" }, cwd).embeddedWorkers).toBe(false);
  });

  it("keys from the environment are used as given, trimmed; ASSETBOOK_ENV_SECRETS is a list", () => {
    const config = parseConfig({ ASSETBOOK_SECRET_KEY: " k ", ASSETBOOK_AUTH_SECRET: "a", ASSETBOOK_ENV_SECRETS: "A, B  C" }, cwd);
    expect([config.secretKey, config.authSecret, config.envSecrets]).toEqual([{ value: "k" }, { value: "a" }, ["A", "B", "C"]]);
  });

  it("a bad value fails and names the variable", () => {
    expect(configError({ DATABASE_URL: "mysql://x" }).variable).toBe("DATABASE_URL");
    expect(configError({ ASSETBOOK_WAREHOUSE: "postgres:mysql://x" }).message).toMatch(/^ASSETBOOK_WAREHOUSE: .*postgres:\/\//);
    expect(configError({ ASSETBOOK_WAREHOUSE: "s3://bucket/x" }).variable).toBe("ASSETBOOK_WAREHOUSE");
    expect(configError({ ASSETBOOK_WAREHOUSE: "duckdb:" }).variable).toBe("ASSETBOOK_WAREHOUSE");
    expect(configError({ ASSETBOOK_WORKER_CONCURRENCY: "many" }).message).toMatch(/^ASSETBOOK_WORKER_CONCURRENCY: /);
    expect(configError({ ASSETBOOK_SCHEDULER: "maybe" }).variable).toBe("ASSETBOOK_SCHEDULER");
    expect(configError({ ASSETBOOK_BASE_URL: "ftp://x" }).variable).toBe("ASSETBOOK_BASE_URL");
    expect(configError({ ASSETBOOK_WORKSPACE: "Not A Slug" }).variable).toBe("ASSETBOOK_WORKSPACE");
  });
});
