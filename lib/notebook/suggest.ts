// "Did you mean …?" suggestions for misspelled names (check names, keys, cell kinds).

/** Edit distance counting a swap of two neighbouring letters as one edit ("chrat" -> "chart"). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1];
      if (!above) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

// Words swapped around underscores ("nul_not" for "not_null") should still match.
function sortedParts(name: string): string {
  return name.split("_").sort().join("_");
}

function distance(word: string, candidate: string): number {
  return Math.min(editDistance(word, candidate), editDistance(sortedParts(word), sortedParts(candidate)) + 1);
}

/** The candidate closest to `word`, when it is close enough to be a plausible typo. */
export function closestName(word: string, candidates: readonly string[]): string | undefined {
  const lowered = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(lowered, candidate);
    if (!best || d < best.distance) best = { name: candidate, distance: d };
  }
  if (!best) return undefined;
  const tolerance = Math.max(1, Math.min(3, Math.floor(Math.max(word.length, best.name.length) / 3)));
  return best.distance <= tolerance ? best.name : undefined;
}

/** ` (did you mean x?)` or an empty string. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const name = closestName(word, candidates);
  return name ? ` (did you mean ${name}?)` : "";
}
