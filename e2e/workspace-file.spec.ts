// The workspace file in the editor: a notebook whose extract uses a connection of
// notebooks/assetbook.yml and whose SQL uses a workspace macro, a variable and a workspace
// check previews in the browser (the extract on the server, from a REST API on loopback);
// its SQL cell is a view placed in a schema, which the preview keeps as a table and another
// cell reads by its qualified name.
import { access, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { startFitnessApi, type FitnessApi } from "../fixtures/fitness-api/api";
import { expect, test } from "./fixtures";

const slug = `e2e-ws-${Math.random().toString(36).slice(2, 8)}`;
const notebooksDir = path.join(process.cwd(), "notebooks");
const notebookFile = path.join(notebooksDir, `${slug}.md`);
const workspaceFile = path.join(notebooksDir, "assetbook.yml");
const PORT = 4012;

const WORKSPACE = `vars:
  min_km: 1000
connections:
  fitness:
    base_url: http://127.0.0.1:1/not-this-one
    auth: { type: bearer, token: e2e-fitness-token }
    paginator: { type: page_number, page_param: page, size_param: per_page, size: 200 }
macros:
  km:
    args: [meters]
    sql: round(meters / 1000.0, 1)
checks:
  positive:
    args: [column]
    sql: select * from this where {{ column }} <= 0
environments:
  development:
    vars: { min_km: 40 }
    connections:
      fitness: { base_url: "http://127.0.0.1:${PORT}/api/v3" }
`;

const NOTEBOOK = `---
title: Workspace file
---

\`\`\`extract activities
source: rest
connection: fitness
path: athlete/activities
primary_key: id
\`\`\`

\`\`\`sql long_rides
-- materialized: view
-- schema: marts
-- checks: positive(km)
select id, km(distance) as km from activities where km(distance) > {{ var.min_km }}
\`\`\`

\`\`\`sql longest
select max(km) as km from marts.long_rides
\`\`\`
`;

let api: FitnessApi;
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  // The repository ships no workspace file; this test owns the one it writes.
  await expect(access(workspaceFile)).rejects.toThrow();
  api = await startFitnessApi({ port: PORT, token: "e2e-fitness-token" });
  await writeFile(workspaceFile, WORKSPACE);
  await writeFile(notebookFile, NOTEBOOK);
});
test.afterAll(async () => {
  await unlink(notebookFile).catch(() => undefined);
  await unlink(workspaceFile).catch(() => undefined);
  await api?.close();
});

const state = (page: import("@playwright/test").Page, name: string) => page.getByTestId(`cell-state-${name}`);

test("a notebook with a workspace connection, macro, variable and check previews in the browser", async ({ page }) => {
  await page.goto(`/notebooks/${slug}`);
  await expect(page.getByRole("heading", { level: 1, name: "Workspace file" })).toBeVisible();
  await expect(state(page, "activities")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  await expect(state(page, "long_rides")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  // The development values: the connection's local API, rides over 40 km.
  expect(api.requests.some((request) => request.startsWith("/api/v3/athlete/activities"))).toBe(true);
  const rows = Number(await state(page, "long_rides").getAttribute("data-rows"));
  expect(rows).toBeGreaterThan(0);
  expect(rows).toBeLessThan(Number(await state(page, "activities").getAttribute("data-rows")));
  await expect(state(page, "longest")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  await expect(state(page, "longest")).toHaveAttribute("data-rows", "1");
  await expect(state(page, "long_rides")).toHaveAttribute("data-checks", "1/1");
  // The connection's token stays on the server.
  expect(await page.content()).not.toContain("e2e-fitness-token");
});
