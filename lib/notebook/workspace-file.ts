// The workspace file, `assetbook.yml` beside the notebooks (in git with them): what every
// notebook of the workspace may use. Variables (`{{ var.name }}`), named REST connections,
// SQL macros and reusable checks, with values per environment for variables and connections.
// Secrets stay `secret:NAME` here too: they are resolved on the server or in the CLI.
import { z } from "zod";
import { CHECK_NAMES } from "./check-list";
import { authSchema, paginatorSchema } from "./schemas/extract";
import { httpUrlSchema, secretOrStringSchema } from "./schemas/common";
import type { NotebookIssue } from "./types";
import { describeIssues } from "./zod-issues";
import { parseYamlAt } from "./yaml-source";

export const WORKSPACE_FILE = "assetbook.yml";

/**
 * Which values apply. `development`: the editor and `assetbook run` without `--env`.
 * `production`: production runs and every environment's build, since what an environment
 * builds is what a promotion serves.
 */
export const WORKSPACE_TARGETS = ["development", "production"] as const;
export type WorkspaceTarget = (typeof WORKSPACE_TARGETS)[number];

const NAME = /^[a-z_][a-z0-9_]*$/;
const nameRule = "lower-case letters, digits and _, starting with a letter or _";
const nameSchema = z.string().regex(NAME, nameRule);
// Names are checked after parsing, where each bad one is located (zod says only "Invalid key in record").
const keySchema = z.string();

const varValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type VarValue = z.infer<typeof varValueSchema>;
const varsSchema = z.record(keySchema, varValueSchema);

/** What a connection holds: a REST source's request keys, as an extract cell writes them. */
const connectionSchema = z.strictObject({
  base_url: httpUrlSchema.optional(),
  auth: authSchema.optional(),
  headers: z.record(z.string(), secretOrStringSchema).optional(),
  params: z.record(z.string(), z.union([secretOrStringSchema, z.number(), z.boolean()])).optional(),
  paginator: paginatorSchema.optional(),
  description: z.string().optional(),
});
export type ConnectionDef = z.infer<typeof connectionSchema>;

const argsSchema = z.array(nameSchema).default([]);
const macroSchema = z
  .strictObject({
    args: argsSchema,
    /** A scalar macro: an expression over its arguments. */
    sql: z.string().min(1).optional(),
    /** A table macro: a query over its arguments. */
    table: z.string().min(1).optional(),
    description: z.string().optional(),
  })
  .refine((macro) => (macro.sql === undefined) !== (macro.table === undefined), { message: "a macro has either sql (an expression) or table (a query)" });
export type MacroDef = z.infer<typeof macroSchema> & { name: string };

const checkSchema = z.strictObject({
  args: argsSchema,
  /** A SELECT of the failing rows of `this`; `{{ arg }}` is an argument as written in the call. */
  sql: z.string().min(1),
  description: z.string().optional(),
});
export type CheckDef = z.infer<typeof checkSchema> & { name: string };

const environmentSchema = z.strictObject({
  vars: varsSchema.optional(),
  connections: z.record(keySchema, connectionSchema).optional(),
});

export const workspaceFileSchema = z.strictObject({
  vars: varsSchema.optional(),
  connections: z.record(keySchema, connectionSchema).optional(),
  macros: z.record(keySchema, macroSchema).optional(),
  checks: z.record(keySchema, checkSchema).optional(),
  environments: z.partialRecord(z.enum(WORKSPACE_TARGETS), environmentSchema).optional(),
});
type WorkspaceFileValue = z.infer<typeof workspaceFileSchema>;

/** The workspace file as parsed: every environment's values. */
export interface WorkspaceFile {
  file: string;
  value: WorkspaceFileValue;
  /** File line of each top-level entry (`macros.cents`, `checks.positive`), for messages. */
  lines: ReadonlyMap<string, number>;
}

/** What one target sees: its variables and connections, and the macros and checks. */
export interface Workspace {
  file: string;
  target: WorkspaceTarget;
  vars: ReadonlyMap<string, VarValue>;
  connections: ReadonlyMap<string, ConnectionDef>;
  macros: readonly MacroDef[];
  checks: ReadonlyMap<string, CheckDef>;
  lines: ReadonlyMap<string, number>;
  /** The run's parameters (`{{ params.name }}`), set by applyWorkspace from the notebook's declarations. */
  params?: ReadonlyMap<string, VarValue>;
}

export type WorkspaceFileResult = { ok: true; workspace: WorkspaceFile } | { ok: false; issues: NotebookIssue[] };

export function parseWorkspaceFile(text: string, file: string = WORKSPACE_FILE): WorkspaceFileResult {
  const source = parseYamlAt(text, 1);
  if (source.problems.length > 0) return { ok: false, issues: source.problems.map((p) => ({ file, line: p.line, column: p.column, message: `YAML: ${p.message}` })) };
  const raw = source.value ?? {};
  const parsed = workspaceFileSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      issues: describeIssues(workspaceFileSchema, raw, parsed.error.issues).map((problem) => ({
        file,
        ...source.locate(problem.path),
        field: problem.path.map(String).join("."),
        message: problem.message,
      })),
    };
  }
  const lines = new Map<string, number>();
  for (const section of ["vars", "connections", "macros", "checks"] as const) {
    for (const name of Object.keys(parsed.data[section] ?? {})) lines.set(`${section}.${name}`, source.locate([section, name]).line);
  }
  const issues: NotebookIssue[] = [];
  const named = (path: string[], names: Iterable<string>) => {
    for (const name of names) {
      if (!NAME.test(name)) issues.push({ file, ...source.locate([...path, name]), field: [...path, name].join("."), message: `bad name "${name}": ${nameRule}` });
    }
  };
  for (const section of ["vars", "connections", "macros", "checks"] as const) named([section], Object.keys(parsed.data[section] ?? {}));
  for (const [target, environment] of Object.entries(parsed.data.environments ?? {})) {
    named(["environments", target, "vars"], Object.keys(environment.vars ?? {}));
    // Values per environment override a definition: each name must be defined at the top.
    for (const name of Object.keys(environment.connections ?? {})) {
      if (parsed.data.connections?.[name] === undefined) {
        issues.push({ file, ...source.locate(["environments", target, "connections", name]), message: `connection "${name}" is not defined under connections:` });
      }
    }
  }
  for (const name of Object.keys(parsed.data.checks ?? {})) {
    if (CHECK_NAMES.some((builtIn) => builtIn === name)) issues.push({ file, ...source.locate(["checks", name]), message: `"${name}" is a built-in check: name yours otherwise` });
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, workspace: { file, value: parsed.data, lines } };
}

/** The workspace as `target` sees it: its environment's variables and connection fields over the defaults. */
export function workspaceFor(file: WorkspaceFile, target: WorkspaceTarget): Workspace {
  const environment = file.value.environments?.[target] ?? {};
  const vars = new Map<string, VarValue>(Object.entries({ ...file.value.vars, ...environment.vars }));
  const connections = new Map<string, ConnectionDef>();
  for (const [name, connection] of Object.entries(file.value.connections ?? {})) {
    connections.set(name, { ...connection, ...environment.connections?.[name] });
  }
  return {
    file: file.file,
    target,
    vars,
    connections,
    macros: Object.entries(file.value.macros ?? {}).map(([name, macro]) => ({ name, ...macro })),
    checks: new Map(Object.entries(file.value.checks ?? {}).map(([name, check]) => [name, { name, ...check }])),
    lines: file.lines,
  };
}

/** A workspace with nothing in it: what a notebook without a workspace file sees. */
export function emptyWorkspace(target: WorkspaceTarget = "development"): Workspace {
  return { file: WORKSPACE_FILE, target, vars: new Map(), connections: new Map(), macros: [], checks: new Map(), lines: new Map() };
}

/** A workspace as plain JSON, for a server to hand to the browser. */
export interface WorkspaceJson {
  file: string;
  target: WorkspaceTarget;
  vars: [string, VarValue][];
  connections: [string, ConnectionDef][];
  macros: MacroDef[];
  checks: [string, CheckDef][];
  lines: [string, number][];
}

/**
 * What the browser may see of a workspace: a connection keeps its base URL and paginator,
 * never its auth, headers or params (they may hold keys; extracts run on the server, which
 * reads the whole file).
 */
export function browserWorkspace(workspace: Workspace): WorkspaceJson {
  return {
    file: workspace.file,
    target: workspace.target,
    vars: [...workspace.vars],
    connections: [...workspace.connections].map(([name, connection]) => [name, { ...(connection.base_url ? { base_url: connection.base_url } : {}), ...(connection.paginator ? { paginator: connection.paginator } : {}) }]),
    macros: [...workspace.macros],
    checks: [...workspace.checks],
    lines: [...workspace.lines],
  };
}

export function workspaceFromJson(json: WorkspaceJson): Workspace {
  return { file: json.file, target: json.target, vars: new Map(json.vars), connections: new Map(json.connections), macros: json.macros, checks: new Map(json.checks), lines: new Map(json.lines) };
}
