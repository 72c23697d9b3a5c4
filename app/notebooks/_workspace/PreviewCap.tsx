"use client";
// How many rows an extract preview reads before it stops (the server's cap). Raising it
// reruns the notebook's extract cells and what is below them.
export const PREVIEW_CAPS = [1_000, 10_000, 100_000] as const;

export function PreviewCap({ value, onChange }: { value: number; onChange: (rows: number) => void }) {
  return (
    <label className="nb-cap" title="Extract previews stop at this many rows; results computed from them are marked sampled. Production runs read everything.">
      Preview rows
      <select
        value={value}
        data-testid="preview-cap"
        onChange={(event) => {
          const rows = Number(event.target.value);
          if (PREVIEW_CAPS.some((cap) => cap === rows)) onChange(rows);
        }}
      >
        {PREVIEW_CAPS.map((cap) => (
          <option key={cap} value={cap}>
            {cap.toLocaleString("en-US")}
          </option>
        ))}
      </select>
    </label>
  );
}
