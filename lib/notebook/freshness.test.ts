import { describe, expect, it } from "vitest";
import { parseNotebook } from "./parse";
import { freshnessPolicyOf } from "./freshness";
import { assetCells, formatIssue } from "./index";

const notebook = (text: string) => {
  const parsed = parseNotebook(text, "nb.md");
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
  return parsed.notebook;
};

describe("freshness in the notebook format", () => {
  it("reads a SQL header's lag or policy, a YAML cell's key, and the front matter's default", () => {
    const nb = notebook(`---
freshness: { max_lag: 1d }
---

\`\`\`sql daily
-- freshness: 6h
select 1 as x
\`\`\`

\`\`\`sql by_nine
-- freshness: { max_lag: 1h, cron: "0 9 * * *", timezone: Europe/Paris }
select 1 as x
\`\`\`

\`\`\`extract raw
source: file
path: data/a.csv
freshness:
  max_lag: 30m
  warn_lag: 20m
\`\`\`

\`\`\`sql plain
select 1 as x
\`\`\`
`);
    const policies = Object.fromEntries(assetCells(nb).map((cell) => [cell.name, freshnessPolicyOf(nb, cell)]));
    expect(policies).toEqual({
      daily: { max_lag: 21_600 },
      by_nine: { max_lag: 3600, cron: "0 9 * * *", timezone: "Europe/Paris" },
      raw: { max_lag: 1800, warn_lag: 1200 },
      plain: { max_lag: 86_400 },
    });
  });

  it("names the line and the field of a bad policy", () => {
    const parsed = parseNotebook("```sql a\n-- checks: not_null(x)\n-- freshness: { max_lag: 1h, cron: \"0 9 * *\" }\nselect 1 as x\n```\n\n```sql b\n-- freshness: soon\nselect 1 as x\n```\n", "nb.md");
    expect(parsed.ok).toBe(false);
    const issues = parsed.ok ? [] : parsed.issues.map(formatIssue);
    expect(issues[0]).toMatch(/^nb\.md:3:\d+ cell "a": freshness: cron: invalid cron "0 9 \* \*"/);
    expect(issues[1]).toMatch(/^nb\.md:8:\d+ cell "b": freshness: max_lag: expected seconds or a duration/);
  });
});
