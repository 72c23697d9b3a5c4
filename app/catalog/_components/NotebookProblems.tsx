// The notebooks the catalog sync could not import (too large, a NUL character, YAML that
// does not parse, ...), each with its file, line and reason: the catalog still shows every
// other notebook's assets, and this says which are missing and why.
const SHOWN = 50;
const MAX_CHARS = 400;

const clip = (text: string) => (text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text);

export function NotebookProblems({ problems }: { problems: readonly string[] }) {
  if (problems.length === 0) return null;
  const more = problems.length - SHOWN;
  return (
    <div className="notice" role="status" data-testid="notebook-problems" style={{ marginBottom: "1rem" }}>
      <strong>
        {problems.length} notebook problem{problems.length === 1 ? "" : "s"}: what they declare is not in the catalog as it is on disk.
      </strong>
      <ul>
        {problems.slice(0, SHOWN).map((problem, i) => (
          <li key={`${i}:${problem}`}>
            <code>{clip(problem)}</code>
          </li>
        ))}
      </ul>
      {more > 0 ? <p className="muted">and {more} more (see the server log)</p> : null}
    </div>
  );
}
