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
export function runOrder<T extends { lane: string; priority: number; createdAt: string; state?: string }>(
  items: T[],
): T[] {
  // Paused ones wait behind everything until resumed.
  return [...items].sort(
    (a, b) =>
      Number(a.state === 'paused') - Number(b.state === 'paused') ||
      Number(b.lane === 'urgent') - Number(a.lane === 'urgent') ||
      a.priority - b.priority ||
      a.createdAt.localeCompare(b.createdAt),
  );
}
