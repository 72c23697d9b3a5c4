// The git helpers on a real bare repository (file://) and a clone of it: what a branch changed
// in the notebooks folder since its base, texts at a commit, the branch and the commit.
import { mkdir, mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changedFiles, currentBranch, fileAt, git, GitError, headCommit, repositoryRoot } from ".";

let dir: string;
let work: string;
const author = { GIT_AUTHOR_NAME: "Test", GIT_AUTHOR_EMAIL: "test@example.com", GIT_COMMITTER_NAME: "Test", GIT_COMMITTER_EMAIL: "test@example.com" };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-git-"));
  const remote = path.join(dir, "remote.git");
  await git(dir, ["init", "--bare", "--initial-branch=main", remote]);
  await git(dir, ["clone", `file://${remote}`, "work"]);
  work = path.join(dir, "work");
  await mkdir(path.join(work, "notebooks"));
  await writeFile(path.join(work, "notebooks", "shop.md"), "# shop\n");
  await writeFile(path.join(work, "notebooks", "old.md"), "# old\n");
  await writeFile(path.join(work, "README.md"), "readme\n");
  await git(work, ["add", "."]);
  await git(work, ["commit", "-m", "first"], author);
  await git(work, ["push", "origin", "main"]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("git", () => {
  it("names what a branch changed in a folder since its base, and nothing the base did meanwhile", async () => {
    await git(work, ["checkout", "-b", "feature"]);
    await writeFile(path.join(work, "notebooks", "shop.md"), "# shop, changed\n");
    await writeFile(path.join(work, "notebooks", "new.md"), "# new\n");
    await unlink(path.join(work, "notebooks", "old.md"));
    await writeFile(path.join(work, "README.md"), "readme, changed\n");
    await git(work, ["add", "-A"]);
    await git(work, ["commit", "-m", "feature"], author);
    // main moves on after the branch left it: not the branch's change.
    await git(work, ["checkout", "main"]);
    await writeFile(path.join(work, "notebooks", "other.md"), "# other\n");
    await git(work, ["add", "-A"]);
    await git(work, ["commit", "-m", "main moves"], author);
    await git(work, ["checkout", "feature"]);

    expect(await currentBranch(work)).toBe("feature");
    const head = await headCommit(work);
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(await repositoryRoot(path.join(work, "notebooks"))).toBe(await repositoryRoot(work));
    const changed = await changedFiles(work, "main", "HEAD", "notebooks");
    expect(changed.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: "notebooks/new.md", deleted: false },
      { path: "notebooks/old.md", deleted: true },
      { path: "notebooks/shop.md", deleted: false },
    ]);
    expect(await fileAt(work, head, "notebooks/shop.md")).toBe("# shop, changed\n");
    expect(await fileAt(work, head, "notebooks/old.md")).toBeNull();
    expect(await fileAt(work, "main", "notebooks/old.md")).toBe("# old\n");
  });

  it("says what failed, naming the command", async () => {
    await expect(changedFiles(work, "no-such-ref", "HEAD", "notebooks")).rejects.toThrow(GitError);
    await expect(changedFiles(work, "no-such-ref", "HEAD", "notebooks")).rejects.toThrow(/git diff failed/);
    await git(work, ["checkout", "--detach", "HEAD"]);
    expect(await currentBranch(work)).toBeNull();
  });
});
