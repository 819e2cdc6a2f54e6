import { ValidationError } from '../../lib/errors';
import type { Analyzer } from './analysis/analyze';
import type { StageVerdict } from '../../domain/asset/decide';
import type { Stage } from '../../domain/asset/asset';
import type { ScanEngine, Verdict } from './engines/scan-engine';
import type { IntrusionFilter } from './intrusion/intrusion-filter';
import { checkSidecarAgreement, type AgreementOptions } from './sidecar-agreement';
import { parseSidecarFile } from '../../formats/sidecar/parse';
import type { Sidecar } from '../../formats/sidecar/sidecar';
import { checkWhitelist, type WhitelistRules } from './whitelist';

/** What a stage looks at: the claimed file and what the asset's events say about it. */
export interface StageSubject {
  sourceNetwork: string;
  targets: string[];
  detectedBy: string;
  originalName: string;
  sha256: string;
  /** The claimed file, under hub control. */
  path: string;
  sidecar?: Record<string, unknown>;
  /**
   * The unit's sidecar file, given on a rescreen: the sidecar stage parses
   * it again (refusing it as the connector would) rather than trusting what
   * was recorded, which is nothing when the connector refused it.
   */
  sidecarPath?: string;
  /** Technical metadata found by analysis (the sidecar stage compares against it). */
  technical?: Record<string, unknown>;
}

/**
 * `verdict`: the stage decided. `unavailable`: it could not run (an engine
 * is unreachable); the asset stays not cleared and the stage is retried.
 */
export type StageOutcome = { kind: 'verdict'; verdict: StageVerdict } | { kind: 'unavailable'; reason: string };

export interface StageDeps {
  whitelist: WhitelistRules;
  intrusion: IntrusionFilter;
  /** Every engine must say clean. */
  engines: ScanEngine[];
  analyzer: Analyzer;
  agreement?: AgreementOptions;
}

export interface ScreeningStages {
  run(stage: Stage, subject: StageSubject): Promise<StageOutcome>;
}

const verdict = (v: StageVerdict): StageOutcome => ({ kind: 'verdict', verdict: v });

/** True when the engine cannot be reached at all (as opposed to failing on this file). */
async function unreachable(engine: ScanEngine): Promise<boolean> {
  return engine.version().then(
    () => false,
    () => true,
  );
}

async function antivirus(engines: ScanEngine[], path: string): Promise<StageOutcome> {
  // Side by side, so the stage takes as long as its slower engine: YARA-X reads the file on a worker thread,
  // clamd's stream on the main thread, and started together the second read comes from the page cache, so the
  // disk reads the file once. (YARA-X has no streaming API that one read could feed.)
  const verdicts: Verdict[] = await Promise.all(engines.map((e) => e.scanFile(path)));
  const engineData = verdicts.map((v) => ({ ...v }));
  const infected = verdicts.find((v) => v.outcome === 'infected');
  if (infected) {
    return verdict({
      passed: false,
      rule: 'antivirus.infected',
      reason: infected.signature
        ? `${infected.engine} found ${infected.signature}`
        : `${infected.engine} found a threat: ${infected.reason ?? 'no detail'}`,
      engines: engineData,
    });
  }
  const failed = verdicts.filter((v) => v.outcome === 'error');
  for (const v of failed) {
    const engine = engines.find((e) => e.name === v.engine)!;
    if (await unreachable(engine)) return { kind: 'unavailable', reason: `${v.engine}: ${v.reason ?? 'unreachable'}` };
  }
  if (failed.length > 0) {
    // Fail closed: a size limit, a timeout or an encrypted archive is "not cleared", never "clean".
    return verdict({
      passed: false,
      rule: 'antivirus.not-cleared',
      reason: failed.map((v) => `${v.engine} could not clear the file: ${v.reason ?? 'error'}`).join('; '),
      engines: engineData,
    });
  }
  return verdict({ passed: true, engines: engineData });
}

/**
 * Analysis refuses (quarantines) only what may be hostile; a sound file
 * passes with each target's policy outcome, so a format one target refuses
 * is settled per target when the asset clears. A pool asset (no targets)
 * meets no policy: it goes nowhere.
 */
async function analysis(analyzer: Analyzer, s: StageSubject): Promise<StageOutcome> {
  const v = await analyzer.analyze(s.path, s.originalName, s.targets);
  if (!v.passed) return verdict({ passed: false, rule: v.rule, reason: v.reason });
  const technical: Record<string, unknown> = { ...v.technical };
  return verdict({
    passed: true,
    technical,
    ...(s.targets.length > 0 ? { targetOutcomes: v.targetOutcomes } : {}),
  });
}

/** Parses the sidecar file again, with the parser's limits as the connector uses them; a refusal carries its rule. */
async function reparse(path: string): Promise<Sidecar | StageOutcome> {
  try {
    return await parseSidecarFile(path);
  } catch (err) {
    // Parser messages name the element and rule, never the content; other errors get a fixed reason.
    if (err instanceof ValidationError)
      return verdict({ passed: false, rule: String(err.details?.rule ?? 'sidecar.invalid'), reason: err.message });
    return verdict({ passed: false, rule: 'sidecar.unreadable', reason: 'the sidecar could not be read from staging' });
  }
}

async function sidecarStage(s: StageSubject, deps: StageDeps): Promise<StageOutcome> {
  let sidecar = s.sidecar as unknown as Sidecar | undefined;
  if (s.sidecarPath) {
    const parsed = await reparse(s.sidecarPath);
    if ('kind' in parsed) return parsed;
    // The connector routes an asset to its sidecar's destinations and refuses one naming a network it may not
    // send to (the asset then keeps its drop folder's target): a destination outside the targets stays refused.
    const unrouted = parsed.destinations.filter((d) => !s.targets.includes(d));
    if (unrouted.length > 0) {
      return verdict({
        passed: false,
        rule: 'sidecar.destination',
        reason: `destinations ${unrouted.join(', ')} are not among the asset's targets (${s.targets.join(', ')})`,
      });
    }
    sidecar = parsed;
  }
  if (!sidecar) return verdict({ passed: true });
  const t = s.technical ?? {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const result = checkSidecarAgreement(
    sidecar,
    { sha256: s.sha256, durationSeconds: num(t.durationSeconds), frameRate: num(t.frameRate) },
    deps.agreement,
  );
  if (!result.ok) return verdict({ passed: false, rule: result.rule, reason: result.reason });
  return verdict(s.sidecarPath ? { passed: true, sidecar: { ...sidecar } } : { passed: true });
}

/** The four levels of checks of the platform (plus sidecar agreement), one call per stage. */
export function createScreeningStages(deps: StageDeps): ScreeningStages {
  return {
    async run(stage, s) {
      switch (stage) {
        case 'whitelist':
          return verdict(checkWhitelist(deps.whitelist, s));
        case 'intrusion': {
          const r = await deps.intrusion.check({ originalName: s.originalName, path: s.path });
          return verdict(r.ok ? { passed: true } : { passed: false, rule: r.rule, reason: r.reason });
        }
        case 'antivirus':
          return antivirus(deps.engines, s.path);
        case 'analysis':
          return analysis(deps.analyzer, s);
        case 'sidecar':
          return sidecarStage(s, deps);
        default: {
          const unknown: never = stage;
          throw new Error(`unknown stage ${String(unknown)}`);
        }
      }
    },
  };
}
