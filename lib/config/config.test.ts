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
  it("embedded defaults: data in data/, the server's own files in .assetbook/, notebooks in notebooks/", () => {
    const config = parseConfig({}, cwd);
    expect(config).toMatchObject({
      databaseUrl: null,
      dataDir: "/srv/app/data",
      stateDir: "/srv/app/.assetbook",
      catalogDir: "/srv/app/.assetbook/catalog",
      warehouse: { kind: "duckdb", path: "/srv/app/.assetbook/warehouse.duckdb" },
      notebooksDir: "/srv/app/notebooks",
      secretKey: { file: "/srv/app/.assetbook/secret-key" },
      authSecret: { file: "/srv/app/.assetbook/auth-secret" },
      envSecrets: [],
      embeddedWorkers: true,
      workspaceSlug: "default",
    });
  });

  it("alert e-mail is off without ASSETBOOK_SMTP_URL, and a URL that is not smtp is refused naming the variable", () => {
    expect(parseConfig({}, cwd).smtp).toBeNull();
    expect(parseConfig({ ASSETBOOK_SMTP_URL: "smtp://u:p@mail.example.com:587", ASSETBOOK_ALERTS_FROM: "Data <data@example.com>" }, cwd).smtp).toEqual({
      url: "smtp://u:p@mail.example.com:587",
      from: "Data <data@example.com>",
    });
    expect(() => parseConfig({ ASSETBOOK_SMTP_URL: "http://mail.example.com" }, cwd)).toThrow(/ASSETBOOK_SMTP_URL/);
  });

  it("the state directory moves the catalog, the warehouse and the key files with it", () => {
    const config = parseConfig({ ASSETBOOK_STATE_DIR: "/var/lib/assetbook", ASSETBOOK_DATA_DIR: "/srv/data" }, cwd);
    expect([config.dataDir, config.catalogDir, config.warehouse, config.secretKey]).toEqual([
      "/srv/data",
      "/var/lib/assetbook/catalog",
      { kind: "duckdb", path: "/var/lib/assetbook/warehouse.duckdb" },
      { file: "/var/lib/assetbook/secret-key" },
    ]);
  });

  // Cells read the data directory: the keys (which sign sessions and decrypt secrets) and the
  // catalog (whose files hold session tokens) may never be in it.
  it("refuses keys or a catalog inside the data directory, naming the variable", () => {
    expect(configError({ ASSETBOOK_STATE_DIR: "data/.state" }).variable).toBe("ASSETBOOK_STATE_DIR");
    expect(configError({ ASSETBOOK_STATE_DIR: "data" }).message).toMatch(/must lie outside the data directory/);
    expect(configError({ ASSETBOOK_DATA_DIR: "." }).variable).toBe("ASSETBOOK_DATA_DIR");
    expect(configError({ ASSETBOOK_CATALOG_DIR: "data/catalog" }).variable).toBe("ASSETBOOK_CATALOG_DIR");
    expect(parseConfig({ ASSETBOOK_CATALOG_DIR: "memory://x", ASSETBOOK_DATA_DIR: "data" }, cwd).catalogDir).toBe("memory://x");
    expect(parseConfig({ ASSETBOOK_STATE_DIR: "data-state" }, cwd).stateDir).toBe("/srv/app/data-state");
  });

  it("reads ASSETBOOK_OUTBOUND_ALLOW: loopback by default (the examples serve on 127.0.0.1), none, private, or both", () => {
    const outbound = (value?: string) => parseConfig(value === undefined ? {} : { ASSETBOOK_OUTBOUND_ALLOW: value }, cwd).outbound;
    expect(outbound()).toEqual({ allowLoopback: true, allowPrivate: false });
    expect(outbound("")).toEqual({ allowLoopback: true, allowPrivate: false });
    expect(outbound("none")).toEqual({ allowLoopback: false, allowPrivate: false });
    expect(outbound("private")).toEqual({ allowLoopback: false, allowPrivate: true });
    expect(outbound("loopback,private")).toEqual({ allowLoopback: true, allowPrivate: true });
    expect(outbound(" Private loopback ")).toEqual({ allowLoopback: true, allowPrivate: true });
  });

  it("reads ASSETBOOK_TRUSTED_PROXIES: 0 by default, a whole number up to 10, else an error naming it", () => {
    expect(parseConfig({}, cwd).trustedProxies).toBe(0);
    expect(parseConfig({ ASSETBOOK_TRUSTED_PROXIES: " " }, cwd).trustedProxies).toBe(0);
    expect(parseConfig({ ASSETBOOK_TRUSTED_PROXIES: "2" }, cwd).trustedProxies).toBe(2);
    for (const bad of ["-1", "1.5", "yes", "11"]) expect(configError({ ASSETBOOK_TRUSTED_PROXIES: bad }).variable, bad).toBe("ASSETBOOK_TRUSTED_PROXIES");
  });

  it("refuses a bad ASSETBOOK_OUTBOUND_ALLOW, naming the variable and the word", () => {
    for (const value of ["metadata", "loopback,link-local", "none,private", ",,"]) {
      const error = configError({ ASSETBOOK_OUTBOUND_ALLOW: value });
      expect(error.variable).toBe("ASSETBOOK_OUTBOUND_ALLOW");
    }
    expect(configError({ ASSETBOOK_OUTBOUND_ALLOW: "loopback,link-local" }).message).toBe(
      'ASSETBOOK_OUTBOUND_ALLOW: unknown "link-local": use loopback, private, loopback,private, or none (link-local and cloud metadata addresses are never allowed)',
    );
    expect(configError({ ASSETBOOK_OUTBOUND_ALLOW: "none,private" }).message).toMatch(/"none" cannot be combined/);
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

  it("production follows a branch only when ASSETBOOK_GIT_REMOTE is set, and never with a credential in its URL", () => {
    expect(parseConfig({}, cwd).git).toBeNull();
    expect(parseConfig({ ASSETBOOK_GIT_REMOTE: "https://git.example.com/data.git", ASSETBOOK_GIT_CREDENTIAL: "GIT_TOKEN", ASSETBOOK_GIT_POLL_S: "30", ASSETBOOK_GIT_FOLDER: "pipelines/" }, cwd).git).toEqual({
      remote: "https://git.example.com/data.git",
      branch: "main",
      folder: "pipelines",
      credential: "GIT_TOKEN",
      pollMs: 30_000,
      webhookSecret: null,
    });
    const leaked = configError({ ASSETBOOK_GIT_REMOTE: "https://bob:hunter2@git.example.com/data.git" });
    expect(leaked.variable).toBe("ASSETBOOK_GIT_REMOTE");
    expect(leaked.message).toContain("must not hold a credential");
    expect(leaked.message).not.toContain("hunter2");
    expect(configError({ ASSETBOOK_GIT_REMOTE: "/srv/repo.git", ASSETBOOK_GIT_BRANCH: "has space" }).variable).toBe("ASSETBOOK_GIT_BRANCH");
    expect(configError({ ASSETBOOK_GIT_REMOTE: "/srv/repo.git", ASSETBOOK_GIT_WEBHOOK_SECRET: "short" }).variable).toBe("ASSETBOOK_GIT_WEBHOOK_SECRET");
  });
});
