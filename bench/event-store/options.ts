/** What one run of the event-store benchmark does; every field has a flag of the same name in kebab-case. */
export interface BenchOptions {
  /** Events per side (store, raw) for each single-event phase (concurrency 1 and 16). @default 4000 */
  events: number;
  /** Events per side for the batch phase, appended 100 at a time. @default 30000 */
  batchEvents: number;
  /** Events already in the log (and in the raw table) before anything is measured; 0 starts empty. @default 50000 */
  seed: number;
  /** Workers (and pool connections) of the concurrent phase. @default 16 */
  concurrency: number;
  /** Measured rounds per phase; store and raw take turns going first. @default 10 */
  rounds: number;
  /** Unmeasured events per side before each phase (connections, plan caches, index pages). @default 200 */
  warmup: number;
  /**
   * Skip the ANALYZE before each round. This server runs with autovacuum off,
   * so the planner would keep the plans it made for an empty table. @default false
   */
  staleStats: boolean;
  /** Also measure variants of mx_append, each with one part taken out. @default false */
  profile: boolean;
  /** Keep the bench database instead of dropping it (to look at it with psql). @default false */
  keep: boolean;
}

const DEFAULTS: BenchOptions = {
  events: 4000,
  batchEvents: 30_000,
  seed: 50_000,
  concurrency: 16,
  rounds: 10,
  warmup: 200,
  staleStats: false,
  profile: false,
  keep: false,
};

const USAGE =
  'usage: node bin/run-ts.js bench/event-store/run.ts [--events N] [--batch-events N] [--seed N] ' +
  '[--concurrency N] [--rounds N] [--warmup N] [--stale-stats] [--profile] [--keep]';

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Flags -> defaults -> checks, in one place; a bad flag names itself and what it accepts. */
export function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') throw new Error(USAGE);
    const key = camel(arg.replace(/^--/, '')) as keyof BenchOptions;
    if (!arg.startsWith('--') || !(key in DEFAULTS)) throw new Error(`unknown flag ${arg}\n${USAGE}`);
    if (typeof DEFAULTS[key] === 'boolean') {
      (options as unknown as Record<string, boolean>)[key] = true;
      continue;
    }
    const raw = argv[++i];
    const value = Number(raw);
    const least = key === 'seed' ? 0 : 1;
    if (!Number.isInteger(value) || value < least) {
      throw new Error(`${arg} needs a whole number >= ${least}, got ${raw ?? 'nothing'}`);
    }
    (options as unknown as Record<string, number>)[key] = value;
  }
  if (options.batchEvents % 100 !== 0)
    throw new Error(`--batch-events must be a multiple of 100, got ${options.batchEvents}`);
  if (options.events < options.rounds)
    throw new Error(`--events (${options.events}) must be >= --rounds (${options.rounds})`);
  if (options.batchEvents < options.rounds * 100) {
    throw new Error(`--batch-events (${options.batchEvents}) must be >= 100 x --rounds (${options.rounds * 100})`);
  }
  return options;
}
