import { SingleBar, Presets } from 'cli-progress';

/** One contender of a phase: does about `events` events of work and says how many it did. */
export interface Side {
  name: string;
  run(events: number, tick: (events: number) => void): Promise<number>;
}

export interface SideResult {
  name: string;
  events: number;
  ms: number;
  /** Events per second over all measured rounds. */
  rate: number;
  /** Events per second of each round, to see the noise. */
  roundRates: number[];
}

export interface PhaseSpec {
  title: string;
  sides: Side[];
  /** Events per side per round. */
  perRound: number;
  rounds: number;
  /** Unmeasured events per side first. */
  warmup: number;
  /** Runs before each round, outside the timing (e.g. ANALYZE, as autovacuum would). */
  beforeRound?: () => Promise<void>;
}

/** Runs `units` units of work on `concurrency` workers that take the next unit as soon as they finish one. */
export async function runConcurrently(units: number, concurrency: number, work: (unit: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < units) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, units) }, worker));
}

export const perSecond = (events: number, ms: number) => (ms > 0 ? (events / ms) * 1000 : 0);

/**
 * Measures the sides of a phase in rounds, rotating which side goes first
 * each round (store, raw / raw, store / ...): the machine's noise (other
 * processes, checkpoints, autovacuum) then falls on both sides alike instead
 * of on whichever ran second.
 */
export async function comparePhase(spec: PhaseSpec): Promise<SideResult[]> {
  for (const side of spec.sides) await side.run(spec.warmup, () => undefined);
  const results = spec.sides.map((s) => ({ name: s.name, events: 0, ms: 0, rate: 0, roundRates: [] as number[] }));
  const bar = new SingleBar(
    { format: `${spec.title.padEnd(28)} {bar} {percentage}% | {value}/{total} events | {eta}s left`, etaBuffer: 200 },
    Presets.shades_classic,
  );
  bar.start(spec.sides.length * spec.rounds * spec.perRound, 0);
  try {
    for (let round = 0; round < spec.rounds; round++) {
      await spec.beforeRound?.();
      for (let k = 0; k < spec.sides.length; k++) {
        const i = (k + round) % spec.sides.length;
        const started = performance.now();
        const done = await spec.sides[i]!.run(spec.perRound, (n) => bar.increment(n));
        const ms = performance.now() - started;
        const r = results[i]!;
        r.events += done;
        r.ms += ms;
        r.roundRates.push(perSecond(done, ms));
      }
    }
  } finally {
    bar.stop();
  }
  for (const r of results) r.rate = perSecond(r.events, r.ms);
  return results;
}
