"use client";
// The partition a partitioned notebook runs with in the editor: its cells see that
// partition's values, as its production run would (lib/engine/session-partitions.ts).
import type { SessionPartitions } from "@/lib/engine/reactive";

interface Props {
  partitions: SessionPartitions;
  onChange: (key: string) => void;
}

export function PartitionSelect({ partitions, onChange }: Props) {
  const { active, keys, description } = partitions;
  // a partition chosen elsewhere may be older than the newest ones listed
  const options = active === null || keys.includes(active) ? keys : [active, ...keys];
  return (
    <label className="nb-partition" title={`Cells run with this partition's values (${description} partitions)`}>
      <span>Partition</span>
      <select value={active ?? ""} onChange={(e) => onChange(e.target.value)} disabled={options.length === 0} data-testid="partition-select">
        {options.length === 0 && <option value="">none has started</option>}
        {options.map((key) => (
          <option key={key} value={key}>
            {key}
          </option>
        ))}
      </select>
    </label>
  );
}
