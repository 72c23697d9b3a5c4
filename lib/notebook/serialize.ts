// serializeNotebook / formatNotebook: the canonical text of a notebook.
//
// Canonical form: LF line endings; no trailing whitespace on any line; front matter
// (when present) first; then the blocks (prose, asset cells) separated by exactly one
// blank line; no blank lines at the start or end of a cell body or of prose, and no
// runs of blank lines in prose outside code fences; asset cells fenced with ``` (longer
// when the body holds a ``` line); the file ends with one newline.
import { stringify } from "yaml";
import type { Notebook, NotebookIssue } from "./types";
import { nulIssues, sizeIssue } from "./limits";
import { scanNotebook } from "./scan";

interface RenderedAsset {
  type: "asset";
  kind: string;
  name: string;
  infoRest: string;
  body: string;
}
type RenderBlock = { type: "prose"; text: string } | RenderedAsset;

export function serializeNotebook(nb: Notebook): string {
  const frontMatterText = nb.frontMatterText.trim() !== "" || Object.keys(nb.frontMatter).length === 0 ? nb.frontMatterText : stringify(nb.frontMatter);
  return render(frontMatterText, nb.cells);
}

export type FormatResult = { ok: true; text: string; changed: boolean } | { ok: false; issues: NotebookIssue[] };

/**
 * The canonical text of a notebook file (`assetbook fmt`). Only the layout matters here,
 * so a notebook whose cells have config errors can still be formatted; a file whose
 * front matter or a fence is never closed, that holds a NUL character, or that is larger
 * than MAX_NOTEBOOK_BYTES cannot.
 */
export function formatNotebook(text: string, file: string): FormatResult {
  // What can never be a notebook (too large, NUL characters) is not written either.
  const tooLarge = sizeIssue(text);
  if (tooLarge) return { ok: false, issues: [{ file, ...tooLarge }] };
  const nul = nulIssues(text);
  if (nul.length > 0) return { ok: false, issues: nul.map((issue) => ({ file, ...issue })) };
  const scan = scanNotebook(text);
  if (scan.unclosed) return { ok: false, issues: scan.issues.map((issue) => ({ file, ...issue })) };
  const formatted = render(scan.frontMatter?.text ?? "", scan.blocks.map((block) => (block.type === "fence" ? { ...block, type: "asset" } : block)));
  return { ok: true, text: formatted, changed: formatted !== text };
}

function render(frontMatterText: string, blocks: readonly RenderBlock[]): string {
  const parts: string[] = [];
  const frontMatter = trimBlankLines(stripTrailingSpace(frontMatterText));
  for (const block of blocks) {
    const text = block.type === "prose" ? canonicalProse(block.text) : canonicalAsset(block);
    if (text !== "") parts.push(text);
  }
  // Prose opening with a `---` line would be read as front matter: keep an empty one before it.
  const needsEmptyFrontMatter = frontMatter === "" && parts[0]?.split("\n")[0] === "---";
  if (frontMatter !== "" || needsEmptyFrontMatter) parts.unshift(frontMatter === "" ? "---\n---" : `---\n${frontMatter}\n---`);
  return parts.length === 0 ? "" : `${parts.join("\n\n")}\n`;
}

function canonicalAsset(cell: RenderedAsset): string {
  const body = trimBlankLines(stripTrailingSpace(cell.body));
  const fence = fenceFor(body);
  const info = [cell.kind, cell.name, cell.infoRest.trim()].filter((word) => word !== "").join(" ");
  return body === "" ? `${fence}${info}\n${fence}` : `${fence}${info}\n${body}\n${fence}`;
}

/** ``` unless a body line would close it; then one backtick more than the longest such line. */
export function fenceFor(body: string): string {
  let longest = 0;
  for (const line of body.split("\n")) {
    const run = /^ {0,3}(`{3,})\s*$/.exec(line)?.[1];
    if (run) longest = Math.max(longest, run.length);
  }
  return "`".repeat(Math.max(3, longest + 1));
}

/** Collapse runs of blank lines, except inside fenced code where blank lines are content. */
function canonicalProse(text: string): string {
  const out: string[] = [];
  let openFence: string | undefined;
  for (const line of stripTrailingSpace(text).split("\n")) {
    const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (openFence === undefined) {
      if (fence && !(fence.startsWith("`") && line.slice(line.indexOf(fence) + fence.length).includes("`"))) openFence = fence;
      else if (line === "" && (out.length === 0 || out[out.length - 1] === "")) continue;
    } else if (fence && fence[0] === openFence[0] && fence.length >= openFence.length && line.trim() === fence) {
      openFence = undefined;
    }
    out.push(line);
  }
  return trimBlankLines(out.join("\n"));
}

function stripTrailingSpace(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n");
}

function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, "").replace(/(?:\n[ \t]*)+$/, "").replace(/^[ \t]*$/, "");
}
