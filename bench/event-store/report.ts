import type { SideResult } from './measure';

export interface PhaseResult {
  /** Short key for the JSON line. */
  key: string;
  title: string;
  /** How the workload is shaped (streams, concurrency), printed under the table. */
  note: string;
  store: SideResult;
  raw: SideResult;
}

const ratioOf = (p: PhaseResult) => p.store.rate / p.raw.rate;

/** Store/raw per round: how far the ratio moved between rounds of one run. */
function roundRatios(p: PhaseResult): number[] {
  return p.store.roundRates.map((s, i) => s / (p.raw.roundRates[i] ?? Number.NaN));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (n: number) => `${Math.round(n * 100)}%`;

/** The results as a Markdown table (it pastes straight into docs/benchmarks.md). */
export function formatTable(phases: PhaseResult[]): string {
  const header = ['phase', 'store ev/s', 'raw ev/s', 'store/raw', 'per round: median (min-max)'];
  const rows = phases.map((p) => {
    const rr = roundRatios(p);
    const spread = `${pct(median(rr))} (${pct(Math.min(...rr))}-${pct(Math.max(...rr))})`;
    return [p.title, fmt(p.store.rate), fmt(p.raw.rate), pct(ratioOf(p)), spread];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  const notes = phases.map((p) => `- ${p.title}: ${p.note}`);
  return [line(header), rule, ...rows.map(line), '', ...notes].join('\n');
}

/** One machine-readable line with everything, for comparing runs. */
export function formatJson(meta: Record<string, unknown>, phases: PhaseResult[]): string {
  const side = (s: SideResult) => ({
    eventsPerSec: Math.round(s.rate),
    events: s.events,
    ms: Math.round(s.ms),
    rounds: s.roundRates.map(Math.round),
  });
  return JSON.stringify({
    ...meta,
    results: phases.map((p) => ({
      phase: p.key,
      store: side(p.store),
      raw: side(p.raw),
      ratio: Number(ratioOf(p).toFixed(3)),
      medianRoundRatio: Number(median(roundRatios(p)).toFixed(3)),
      roundRatios: roundRatios(p).map((r) => Number(r.toFixed(3))),
    })),
  });
}
