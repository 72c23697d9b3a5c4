// The dependency rule is enforced by the lint step of `npm test` (eslint.config.mjs): an
// import that goes the wrong way, or an import cycle, is an error. This shows the rule bites,
// on probe files written beside real modules for the time of one lint (the import resolver
// needs them on disk), then removed.
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
let eslint: ESLint;
/**
 * The layer rule alone: import/no-cycle walks every module a probe reaches (a probe that
 * imports the run service reaches most of lib/: 17 s), and only the cycle test needs it.
 */
let layers: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
  layers = new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => ruleId === "import/no-restricted-paths" });
});

/** Lints `file` (written with `code`, beside `others`, all removed after) with the layer rule and lists its messages. */
function ruleIds(file: string, code: string): Promise<string[]> {
  return lint(layers, file, code);
}

/** Lints `file` (written with `code`, beside `others`, all removed after) and lists its messages. */
async function lint(linter: ESLint, file: string, code: string, others: Record<string, string> = {}): Promise<string[]> {
  const files = { [file]: code, ...others };
  const written: string[] = [];
  try {
    for (const [name, text] of Object.entries(files)) {
      await writeFile(path.join(root, name), text, { flag: "wx" });
      written.push(path.join(root, name));
    }
    const [result] = await linter.lintText(code, { filePath: path.join(root, file) });
    return (result?.messages ?? []).map((m) => `${m.ruleId ?? "?"}: ${m.message}`);
  } finally {
    for (const name of written) await rm(name, { force: true });
  }
}

describe("the dependency rule", () => {
  it("refuses a wrong-way import: the catalog may not import the run service", async () => {
    const messages = await ruleIds("lib/catalog/layering-probe.ts", 'export { RunService } from "../runs/service";\n');
    expect(messages).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*lib\/catalog is in layer 4/)]);
  });

  it("refuses lib/ importing the app or the workers, and the engine importing the run service", async () => {
    expect(await ruleIds("lib/engine/layering-probe.ts", 'export { RunService } from "../runs/service";\n')).toEqual([expect.stringMatching(/^import\/no-restricted-paths: /)]);
    expect(await ruleIds("lib/runs/layering-probe.ts", 'export { startWorkers } from "../../workers";\n')).toEqual([expect.stringMatching(/^import\/no-restricted-paths: /)]);
    expect(await ruleIds("lib/notebook/layering-probe.ts", 'export { buildGraph } from "../graph/build-graph";\n')).toEqual([expect.stringMatching(/^import\/no-restricted-paths: /)]);
  });

  it("allows an import from a lower layer, and exempts tests", async () => {
    expect(await ruleIds("lib/runs/layering-probe.ts", 'export { runPlan } from "../engine/run";\n')).toEqual([]);
    expect(await ruleIds("lib/catalog/layering-probe.test.ts", 'export { RunService } from "../runs/service";\n')).toEqual([]);
  });

  it("places the outbound policy beside secrets: below extract, above config", async () => {
    expect(await ruleIds("lib/outbound/layering-probe.ts", 'export { runExtract } from "../extract/run";\n')).toEqual([expect.stringMatching(/^import\/no-restricted-paths: .*lib\/outbound is in layer 3/)]);
    expect(await ruleIds("lib/config/layering-probe.ts", 'export { outboundFetch } from "../outbound";\n')).toEqual([expect.stringMatching(/^import\/no-restricted-paths: /)]);
    expect(await ruleIds("lib/extract/layering-probe.ts", 'export { outboundFetch } from "../outbound";\n')).toEqual([]);
  });

  it("refuses an import cycle inside lib/", async () => {
    const messages = await lint(eslint, "lib/graph/cycle-probe-a.ts", 'import { b } from "./cycle-probe-b";\nexport const a = () => b;\n', {
      "lib/graph/cycle-probe-b.ts": 'import { a } from "./cycle-probe-a";\nexport const b = () => a;\n',
    });
    expect(messages).toContainEqual(expect.stringMatching(/^import\/no-cycle: /));
  });
});
