import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileSourceError } from "./errors";
import { resolveDataPath } from "./resolve-path";
import { makeWorkspace, type Workspace } from "./test-helpers";

let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace();
  ws.write("cars.csv", "a\n1\n");
  ws.write("nested/deep/x.csv", "a\n1\n");
});
afterEach(() => ws.cleanup());

function refusal(userPath: string): FileSourceError {
  try {
    resolveDataPath(ws.dataDir, userPath);
  } catch (error) {
    if (error instanceof FileSourceError) return error;
    throw error;
  }
  throw new Error(`expected ${userPath} to be refused`);
}

const real = (p: string) => fs.realpathSync(p);

describe("resolveDataPath", () => {
  it("accepts relative and absolute paths to files inside the data directory", () => {
    expect(resolveDataPath(ws.dataDir, "cars.csv")).toBe(real(path.join(ws.dataDir, "cars.csv")));
    expect(resolveDataPath(ws.dataDir, "./nested/deep/x.csv")).toBe(real(path.join(ws.dataDir, "nested/deep/x.csv")));
    expect(resolveDataPath(ws.dataDir, path.join(ws.dataDir, "cars.csv"))).toBe(real(path.join(ws.dataDir, "cars.csv")));
  });

  it("accepts a symlink that stays inside the data directory, returning its target", () => {
    fs.symlinkSync(path.join(ws.dataDir, "nested/deep/x.csv"), path.join(ws.dataDir, "alias.csv"));
    expect(resolveDataPath(ws.dataDir, "alias.csv")).toBe(real(path.join(ws.dataDir, "nested/deep/x.csv")));
  });

  it("refuses .. even when the file outside exists", () => {
    fs.writeFileSync(path.join(ws.root, "x.csv"), "secret\n");
    const error = refusal("../x.csv");
    expect(error.field).toBe("path");
    expect(error.message).toContain('".."');
    expect(refusal("nested/../../x.csv").message).toContain('".."');
  });

  it("refuses absolute paths outside the data directory", () => {
    expect(refusal("/etc/passwd").message).toBe('"/etc/passwd" is outside the data directory');
  });

  it("refuses a sibling directory that shares the data directory's name prefix", () => {
    fs.mkdirSync(`${ws.dataDir}-sibling`);
    fs.writeFileSync(`${ws.dataDir}-sibling/x.csv`, "a\n1\n");
    expect(refusal(`${ws.dataDir}-sibling/x.csv`).message).toContain("outside the data directory");
  });

  it("refuses a symlinked file pointing outside", () => {
    fs.symlinkSync("/etc/passwd", path.join(ws.dataDir, "passwd.csv"));
    expect(refusal("passwd.csv").message).toBe('"passwd.csv" is a symlink (or inside one) that points outside the data directory');
  });

  it("refuses a file under a symlinked directory pointing outside", () => {
    const outside = path.join(ws.root, "outside");
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, "x.csv"), "a\n1\n");
    fs.symlinkSync(outside, path.join(ws.dataDir, "linked"));
    expect(refusal("linked/x.csv").message).toContain("points outside the data directory");
  });

  it("refuses a symlink to a sibling with the same name prefix", () => {
    fs.mkdirSync(`${ws.dataDir}-sibling`);
    fs.writeFileSync(`${ws.dataDir}-sibling/x.csv`, "a\n1\n");
    fs.symlinkSync(`${ws.dataDir}-sibling/x.csv`, path.join(ws.dataDir, "sib.csv"));
    expect(refusal("sib.csv").message).toContain("points outside the data directory");
  });

  it("names a missing file relative to the data directory", () => {
    expect(refusal("nested/nope.csv").message).toBe('file not found: "nested/nope.csv" in the data directory');
    expect(refusal(path.join(ws.dataDir, "gone.csv")).message).toBe('file not found: "gone.csv" in the data directory');
  });

  it("refuses a directory and an empty path", () => {
    expect(refusal("nested").message).toBe('"nested" is not a file');
    expect(refusal("").message).toContain("is empty");
  });

  it("works when the data directory itself is reached through a symlink", () => {
    const link = path.join(ws.root, "data-link");
    fs.symlinkSync(ws.dataDir, link);
    expect(resolveDataPath(link, "cars.csv")).toBe(real(path.join(ws.dataDir, "cars.csv")));
    expect(resolveDataPath(link, path.join(link, "cars.csv"))).toBe(real(path.join(ws.dataDir, "cars.csv")));
  });
});
