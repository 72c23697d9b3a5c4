// The extract preview end to end: a real HTTP server (the fitness API fixture), a fresh
// in-memory DuckDB per preview, and the Arrow IPC answer loaded into another warehouse.
import { afterEach, describe, expect, it } from "vitest";
import { tableFromIPC } from "apache-arrow";
import { activity, startFitnessApi, type FitnessApi } from "../../fixtures/fitness-api/api";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { loadPreviewIntoWarehouse } from "./preview-load";
import { previewExtract, type PreviewRequest } from "./preview";

const TOKEN = "preview-token-5c4b3a";
let api: FitnessApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function notebook(baseUrl: string): string {
  return `\`\`\`extract activities
source: rest
base_url: ${baseUrl}
auth: { type: bearer, token: secret:FITNESS_TOKEN }
path: athlete/activities
paginator: { type: page_number, page_param: page, size_param: per_page, size: 100 }
primary_key: id
\`\`\`

\`\`\`sql longest
select * from activities order by distance desc limit 5
\`\`\`
`;
}

function request(text: string, overrides: Partial<PreviewRequest> = {}): PreviewRequest {
  return {
    text,
    file: "rides.md",
    cell: "activities",
    openWarehouse: () => openDuckDbWarehouse({ path: ":memory:" }),
    resolveSecret: (name) => (name === "FITNESS_TOKEN" ? TOKEN : undefined),
    ...overrides,
  };
}

describe("previewExtract", () => {
  it("stops at the sample limit, inside a page, and answers the root table as Arrow", async () => {
    api = await startFitnessApi({ token: TOKEN, activities: 450 });
    const result = await previewExtract(request(notebook(api.url), { sampleRows: 150 }));
    if (!result.ok) throw new Error(result.error);
    // Two pages of 100 reach 150, and only 150 rows of them are kept; the third page is never requested.
    expect(api.requests).toHaveLength(2);
    expect(result).toMatchObject({ table: "activities", rows: 150, sampled: true, sampleRows: 150 });
    const table = tableFromIPC(result.ipc);
    expect(table.numRows).toBe(150);
    expect(table.schema.fields.map((field) => field.name)).toEqual(result.columns.map((column) => column.name));

    // The browser side: load it into a warehouse, replacing what was there.
    const browser = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      await browser.exec("create table activities as select 1 as stale");
      await loadPreviewIntoWarehouse(browser, "activities", result.ipc);
      const [first] = await browser.query("select id, name, distance, start_date from activities order by id limit 1");
      expect(first).toEqual({ id: activity(0).id, name: "Ride 0", distance: activity(0).distance, start_date: new Date(activity(0).start_date) });
      const [stats] = await browser.query("select count(*) as n, count(distinct id) as ids from activities");
      expect(stats).toEqual({ n: 150, ids: 150 });
    } finally {
      await browser.close();
    }
  });

  it("defaults to a 1,000-row sample", async () => {
    api = await startFitnessApi({ token: TOKEN, activities: 1_200 });
    const result = await previewExtract(request(notebook(api.url)));
    expect(result).toMatchObject({ ok: true, rows: 1_000, sampled: true, sampleRows: 1_000 });
    expect(api.requests).toHaveLength(10);
  });

  it("says a preview under its cap is whole, and a raised cap reads more", async () => {
    api = await startFitnessApi({ token: TOKEN, activities: 1_200 });
    expect(await previewExtract(request(notebook(api.url), { sampleRows: 10_000 }))).toMatchObject({ ok: true, rows: 1_200, sampled: false, sampleRows: 10_000 });
  });

  it("names the cell and never shows a secret value when the extract fails", async () => {
    api = await startFitnessApi({ token: TOKEN });
    const wrong = "wrong-secret-0d9e8f";
    const result = await previewExtract(request(notebook(api.url), { resolveSecret: () => wrong }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe("failed");
    expect(result.error).toMatch(/^cell "activities": .*401/);
    expect(result.error).not.toContain(wrong);
  });

  it("refuses a missing cell, a cell that is not an extract, and a missing secret", async () => {
    api = await startFitnessApi({ token: TOKEN });
    const text = notebook(api.url);
    expect(await previewExtract(request(text, { cell: "nope" }))).toMatchObject({ ok: false, reason: "not_found", error: 'cell "nope" not found in rides.md' });
    expect(await previewExtract(request(text, { cell: "longest" }))).toMatchObject({ ok: false, reason: "invalid" });
    const missing = await previewExtract(request(text, { resolveSecret: () => undefined }));
    expect(missing).toMatchObject({ ok: false, reason: "failed" });
    if (!missing.ok) expect(missing.error).toContain("FITNESS_TOKEN");
    expect(api.requests).toHaveLength(0);
  });
});
