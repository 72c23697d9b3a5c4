// A workspace's variables (`{{ var.name }}`) and a run's parameters (`{{ params.name }}`) in a
// notebook's text: replaced by a SQL literal in SQL, by plain text in an extract's strings.
import { didYouMean } from "./suggest";
import type { VarValue, Workspace } from "./workspace-file";

const VAR = /\{\{\s*(var|params)\b([^{}]*)\}\}/g;
/** A string that is one placeholder and nothing else: its value keeps its type (a whole ML or extract config value). */
const WHOLE = /^\{\{\s*(var|params)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
const VAR_INSIDE = /^\.([A-Za-z_][A-Za-z0-9_]*)$/;

export function hasVars(text: string): boolean {
  return new RegExp(VAR.source).test(text);
}

/** A variable's value as a SQL literal. */
export function sqlLiteral(value: VarValue): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

interface VarProblem {
  offset: number;
  message: string;
}

/**
 * `text` with each `{{ var.name }}` (the workspace's) and `{{ params.name }}` (the run's)
 * replaced; an unknown one stays (NULL in SQL, so the SQL still parses) and is a problem.
 */
export function substituteVars(text: string, vars: Workspace["vars"], target: "sql" | "text", params: Workspace["params"] = new Map()): { text: string; problems: VarProblem[] } {
  const problems: VarProblem[] = [];
  const out = text.replace(VAR, (whole: string, namespace: string, inside: string, offset: number) => {
    const isParam = namespace === "params";
    const name = VAR_INSIDE.exec(inside.trim())?.[1];
    if (name === undefined) {
      problems.push({ offset, message: `${whole} is not a ${isParam ? "parameter" : "variable"}: write {{ ${namespace}.<name> }}` });
      return target === "sql" ? "NULL" : whole;
    }
    const values = isParam ? params : vars;
    if (!values.has(name)) {
      const known = [...values.keys()];
      problems.push({
        offset,
        message: isParam
          ? `unknown parameter "${name}"${didYouMean(name, known)}: declare it under params: in the front matter`
          : `unknown variable "${name}"${didYouMean(name, known)}: define it under vars: in assetbook.yml`,
      });
      return target === "sql" ? "NULL" : whole;
    }
    const value = values.get(name) ?? null;
    return target === "sql" ? sqlLiteral(value) : String(value ?? "");
  });
  return { text: out, problems };
}

/** A config string that is one placeholder: its typed value; otherwise the text with placeholders replaced. */
export function configValue(text: string, workspace: Workspace, report: (message: string) => void): unknown {
  const whole = WHOLE.exec(text.trim());
  if (whole) {
    const values = whole[1] === "params" ? (workspace.params ?? new Map()) : workspace.vars;
    if (values.has(whole[2] ?? "")) return values.get(whole[2] ?? "") ?? null;
  }
  const done = substituteVars(text, workspace.vars, "text", workspace.params);
  for (const problem of done.problems) report(problem.message);
  return done.text;
}
