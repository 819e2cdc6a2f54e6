export function bytes(n: number | null | undefined): string {
  if (n == null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

export function eta(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${s % 60}s`
      : `${s}s`;
}

/** Queued transfers in the order the lanes serve them: urgent first, then priority, then age. */
export function runOrder<
  T extends { id: string; version: number; lane: string; priority: number; createdAt: string; state?: string },
>(items: T[]): T[] {
  // One row per transfer, its newest version: the queued and paused lists are read apart, so right after a pause or
  // a resume one may still hold the transfer the other already shows (and React keeps a stale row for a duplicate key).
  const newest = new Map<string, T>();
  for (const t of items) if ((newest.get(t.id)?.version ?? -1) < t.version) newest.set(t.id, t);
  // Paused ones wait behind everything until resumed.
  return [...newest.values()].sort(
    (a, b) =>
      Number(a.state === 'paused') - Number(b.state === 'paused') ||
      Number(b.lane === 'urgent') - Number(a.lane === 'urgent') ||
      a.priority - b.priority ||
      a.createdAt.localeCompare(b.createdAt),
  );
}
