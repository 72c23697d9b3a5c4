// `assetbook review` before it reaches a server: what it needs, said plainly (exit 2), and an
// unreachable server named (exit 1). The commands against a real server and a real bare
// repository are in e2e/git-workflow.spec.ts.
import { describe, expect, it } from "vitest";
import { main } from "./cli";

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string[]; err: string[] }> {
  const saved = { ...process.env };
  Object.assign(process.env, { NO_COLOR: "1", ASSETBOOK_SERVER: "", ASSETBOOK_TOKEN: "" }, env);
  const out: string[] = [];
  const err: string[] = [];
  try {
    return { code: await main(args, (line) => out.push(line), (line) => err.push(line)), out, err };
  } finally {
    process.env = saved;
  }
}

describe("assetbook review", () => {
  it("names the action it takes", async () => {
    const { code, err } = await cli(["review", "merge"]);
    expect(code).toBe(2);
    expect(err.join("\n")).toContain("review open | review status");
  });

  it("needs a base and a server", async () => {
    expect((await cli(["review", "open"])).err.join("\n")).toContain("--base REF is required");
    const noServer = await cli(["review", "open", "--base", "main"]);
    expect(noServer.code).toBe(2);
    expect(noServer.err.join("\n")).toContain("ASSETBOOK_SERVER is not set");
    const noToken = await cli(["review", "status", "--review", "3"], { ASSETBOOK_SERVER: "http://127.0.0.1:9" });
    expect(noToken.err.join("\n")).toContain("ASSETBOOK_TOKEN is not set");
  });

  it("refuses a bad review number, and names a server it cannot reach", async () => {
    const env = { ASSETBOOK_SERVER: "http://127.0.0.1:9", ASSETBOOK_TOKEN: `ab_${"x".repeat(43)}` };
    expect((await cli(["review", "status", "--review", "three"], env)).err.join("\n")).toContain("--review takes a review number");
    const unreachable = await cli(["review", "status", "--review", "3"], env);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err.join("\n")).toContain("cannot reach http://127.0.0.1:9");
    expect(unreachable.err.join("\n")).not.toContain("x".repeat(43));
    expect((await cli(["promote", "--review", "3", "--env", "x"], env)).err.join("\n")).toContain("it takes neither --env nor --db");
  });
});
