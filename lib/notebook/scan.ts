// Split a notebook's text into front matter, prose and asset-cell fences (line based,
// following CommonMark's fenced-code rules so fences inside prose code are left alone).
import { CELL_KINDS, type CellKind, type NotebookIssue } from "./types";
import { didYouMean } from "./suggest";
import { ASSET_NAME_PATTERN, ASSET_NAME_RULE, isAssetName } from "./values";

export type LocatedIssue = Omit<NotebookIssue, "file">;

export interface FrontMatterBlock {
  text: string;
  /** File line of the first YAML line. */
  line: number;
}

export interface ProseBlock {
  type: "prose";
  text: string;
  line: number;
}

export interface FenceBlock {
  type: "fence";
  kind: CellKind;
  name: string;
  infoRest: string;
  body: string;
  line: number;
  bodyLine: number;
  /** False when the fence itself is wrong (bad name, not closed): the cell is reported, not built. */
  sound: boolean;
}

export interface ScanResult {
  frontMatter?: FrontMatterBlock;
  blocks: (ProseBlock | FenceBlock)[];
  issues: LocatedIssue[];
  /** An unclosed front matter or fence: the file's structure itself is unclear. */
  unclosed: boolean;
}

interface Opener {
  indent: number;
  fence: string;
  info: string;
}

const OPENER = /^( {0,3})(`{3,}|~{3,})(.*)$/;

function openerOf(line: string): Opener | undefined {
  const match = OPENER.exec(line);
  if (!match) return undefined;
  const fence = match[2] ?? "";
  const info = match[3] ?? "";
  if (fence.startsWith("`") && info.includes("`")) return undefined;
  return { indent: (match[1] ?? "").length, fence, info };
}

function closes(line: string, opener: Opener): boolean {
  const match = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  const fence = match?.[1];
  return fence !== undefined && fence[0] === opener.fence[0] && fence.length >= opener.fence.length;
}

function isKind(word: string): word is CellKind {
  return CELL_KINDS.some((kind) => kind === word);
}

export function splitLines(text: string): string[] {
  const normalized = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const lines = normalized.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function scanNotebook(text: string): ScanResult {
  const lines = splitLines(text);
  const result: ScanResult = { blocks: [], issues: [], unclosed: false };
  let index = 0;
  if (lines[0]?.trimEnd() === "---") {
    const close = lines.findIndex((line, i) => i > 0 && line.trimEnd() === "---");
    if (close < 0) {
      result.issues.push({ line: 1, column: 1, message: "front matter is not closed: add a line with --- after it" });
      result.unclosed = true;
    } else {
      result.frontMatter = { text: lines.slice(1, close).join("\n"), line: 2 };
      index = close + 1;
    }
  }

  let prose: { lines: string[]; line: number } | undefined;
  const flushProse = () => {
    if (prose) pushProse(result, prose.lines, prose.line);
    prose = undefined;
  };
  const addProse = (line: string, lineIndex: number) => {
    prose ??= { lines: [], line: lineIndex + 1 };
    prose.lines.push(line);
  };

  while (index < lines.length) {
    const line = lines[index] ?? "";
    const opener = openerOf(line);
    if (!opener) {
      addProse(line, index);
      index++;
      continue;
    }
    let end = index + 1;
    while (end < lines.length && !closes(lines[end] ?? "", opener)) end++;
    const closed = end < lines.length;
    const cell = opener.indent === 0 ? classifyFence(opener, index + 1, result.issues) : undefined;
    if (!cell) {
      for (let i = index; i <= Math.min(end, lines.length - 1); i++) addProse(lines[i] ?? "", i);
      index = end + 1;
      continue;
    }
    flushProse();
    if (!closed) {
      result.issues.push({ line: index + 1, column: 1, cell: cell.name, message: `the fence ${opener.fence} is never closed` });
      result.unclosed = true;
    }
    result.blocks.push({
      type: "fence",
      ...cell,
      body: lines.slice(index + 1, end).join("\n"),
      line: index + 1,
      bodyLine: index + 2,
      sound: cell.sound && closed,
    });
    index = end + 1;
  }
  flushProse();
  return result;
}

function pushProse(result: ScanResult, lines: string[], firstLine: number): void {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? "").trim() === "") start++;
  while (end > start && (lines[end - 1] ?? "").trim() === "") end--;
  if (start < end) result.blocks.push({ type: "prose", text: lines.slice(start, end).join("\n"), line: firstLine + start });
}

interface CellHeader {
  kind: CellKind;
  name: string;
  infoRest: string;
  sound: boolean;
}

/** An asset cell's fence, or undefined for an ordinary code fence (which stays prose). */
function classifyFence(opener: Opener, line: number, issues: LocatedIssue[]): CellHeader | undefined {
  const words = [...opener.info.matchAll(/\S+/g)];
  const [first, second] = words;
  if (!first) return undefined;
  const column = (word: RegExpMatchArray) => opener.fence.length + (word.index ?? 0) + 1;
  const kindWord = first[0];
  if (!isKind(kindWord)) {
    // `<word> <asset_name>` is meant as a cell; `python`, `js title="x"` are ordinary code.
    if (words.length === 2 && second && /^[A-Za-z_][\w-]*$/.test(kindWord) && ASSET_NAME_PATTERN.test(second[0])) {
      issues.push({
        line,
        column: column(first),
        cell: second[0],
        message: `unknown cell kind "${kindWord}"${didYouMean(kindWord, CELL_KINDS)}; cell kinds are ${CELL_KINDS.join(", ")}`,
      });
    }
    return undefined;
  }
  // A bare ```sql (no name) is an ordinary SQL code sample in prose.
  if (!second) return undefined;
  const name = second[0];
  const infoRest = opener.info.slice((second.index ?? 0) + name.length).trim();
  if (!isAssetName(name)) {
    issues.push({ line, column: column(second), cell: name, message: `bad asset name "${name}": ${ASSET_NAME_RULE}` });
    return { kind: kindWord, name, infoRest, sound: false };
  }
  return { kind: kindWord, name, infoRest, sound: true };
}
