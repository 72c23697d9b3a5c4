// The run parameters a notebook text declares (its front matter's `params`), for the Run
// button's form; none when the text does not parse.
import { parseNotebook } from "./parse";
import type { ParamDef } from "./params";

export function declaredParams(text: string | null): Record<string, ParamDef> {
  if (text === null) return {};
  return parseNotebook(text, "notebook.md").notebook?.frontMatter.params ?? {};
}
