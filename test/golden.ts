// Golden-file assertions: compare output to a committed file. On a difference, write
// `<name>-changed<ext>` beside it for review and fail. A missing golden is written only
// outside CI (so a new case can be reviewed and committed); CI never writes goldens.
import fs from "node:fs";
import path from "node:path";
import { expect } from "vitest";

export function expectGolden(file: string, actual: string): void {
  const ext = path.extname(file);
  const changed = file.slice(0, file.length - ext.length) + "-changed" + ext;
  if (!fs.existsSync(file)) {
    if (process.env.CI) throw new Error(`golden file ${file} is missing (CI never writes goldens)`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  const expected = fs.readFileSync(file, "utf8");
  if (expected !== actual) {
    fs.writeFileSync(changed, actual);
  } else if (fs.existsSync(changed)) {
    fs.unlinkSync(changed);
  }
  expect(actual, `golden ${file} differs; see ${changed}`).toBe(expected);
}
