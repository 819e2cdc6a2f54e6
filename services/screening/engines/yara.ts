import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { compile } from '@litko/yara-x';
import yaraPackage from '@litko/yara-x/package.json';
import { ConfigError } from '../../../lib/errors';
import { sharedWorkerPool, type TaskRef, type WorkerPool } from '../../../lib/worker-pool/worker-pool';
import {
  describeError,
  errorVerdict,
  type EngineVersion,
  type ScanEngine,
  type ScanOptions,
  type Verdict,
} from './scan-engine';

/** The rule set the project ships. */
export const SHIPPED_RULES = path.join(__dirname, '..', 'rules');

export interface YaraEngineOptions {
  /** `.yar` files, or directories whose `.yar` files are all used. @default [SHIPPED_RULES] */
  rulePaths?: string[];
  /**
   * Shortest time allowed for a scan; a scan that takes longer than its
   * allowance gives an `error` verdict (not cleared). The native scan cannot
   * be interrupted and finishes in the background.
   * @default 120 000 ms
   */
  timeoutMs?: number;
  /**
   * Slowest scan rate tolerated: large files get `size / minBytesPerSecond`
   * when that is longer than `timeoutMs`.
   * @default 20 MiB/s
   */
  minBytesPerSecond?: number;
  /** Where scans run, off the main thread. @default the process's shared `yara-x` pool */
  pool?: WorkerPool;
}

/** What the worker (yara-task.js) returns of a match: never the matched bytes. */
interface RuleMatch {
  ruleIdentifier: string;
  description?: string;
}

const SCAN_TASK: TaskRef = { file: path.join(__dirname, 'yara-task.js'), name: 'scanFile' };

function readRuleFiles(rulePaths: string[]): Array<{ file: string; source: string }> {
  const files = rulePaths.flatMap((p) => {
    if (!statSync(p, { throwIfNoEntry: false })) throw new ConfigError(`YARA rule path ${p} does not exist`);
    if (!statSync(p).isDirectory()) return [p];
    return readdirSync(p)
      .filter((name) => name.endsWith('.yar'))
      .sort()
      .map((name) => path.join(p, name));
  });
  if (files.length === 0) throw new ConfigError(`no .yar rule files in ${rulePaths.join(', ')}`);
  return files.map((file) => ({ file, source: readFileSync(file, 'utf8') }));
}

function describeMatches(matches: RuleMatch[]): string {
  const [first, ...rest] = matches;
  const what = first?.description ? `: ${first.description}` : '';
  const more = rest.length > 0 ? ` (also ${rest.map((m) => m.ruleIdentifier).join(', ')})` : '';
  // Only rule names and their descriptions: match data is file content and
  // must never reach events or logs.
  return `YARA-X rule ${first?.ruleIdentifier}${what}${more}`;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`YARA-X scan took longer than ${Math.round(timeoutMs)} ms`)),
      timeoutMs,
    );
    const onAbort = () => reject(new Error('scan aborted'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

/**
 * YARA-X through `@litko/yara-x`, scanning on a worker thread (see
 * yara-task.js for why). The rules are compiled here first, so a rule that
 * does not compile is a configuration error at start-up, not a scan error
 * later. The signature version is a digest of the rule sources, so a
 * verdict names the exact rule set it was given with.
 */
export function createYaraEngine(options: YaraEngineOptions = {}): ScanEngine {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const minBytesPerSecond = options.minBytesPerSecond ?? 20 * 2 ** 20;
  const files = readRuleFiles(options.rulePaths ?? [SHIPPED_RULES]);
  const digest = createHash('sha256');
  for (const { file, source } of files) digest.update(path.basename(file)).update('\0').update(source).update('\0');
  const source = files.map((f) => f.source).join('\n');
  try {
    // Compiled here only to refuse bad rules at start-up; the scans use each worker's own compilation.
    compile(source);
  } catch (error) {
    throw new ConfigError(
      `YARA rules in ${files.map((f) => f.file).join(', ')} do not compile: ${describeError(error)}`,
    );
  }
  const pool = options.pool ?? sharedWorkerPool('yara-x');
  const key = digest.copy().digest('hex');
  const engine: EngineVersion = {
    engineVersion: `YARA-X (@litko/yara-x ${yaraPackage.version})`,
    signatureVersion: `mxhub-rules sha256:${digest.digest('hex').slice(0, 16)} (${files.length} files)`,
  };

  async function scanFile(filePath: string, scanOptions: ScanOptions = {}): Promise<Verdict> {
    try {
      const before = await stat(filePath);
      const allowance = Math.max(timeoutMs, (before.size / minBytesPerSecond) * 1000);
      // Each worker compiles the rules once (keyed by their digest) and keeps them.
      const scan = pool.run<RuleMatch[]>(SCAN_TASK, { key, source, path: filePath }, scanOptions.signal);
      const matches = await withTimeout(scan, allowance, scanOptions.signal);
      const after = await stat(filePath);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) {
        return errorVerdict('yara-x', engine, 0, 'file changed while being scanned');
      }
      if (matches.length > 0) {
        const signature = matches[0]?.ruleIdentifier;
        return {
          ...engine,
          engine: 'yara-x',
          bytesCovered: before.size,
          outcome: 'infected',
          signature,
          reason: describeMatches(matches),
        };
      }
      return { ...engine, engine: 'yara-x', bytesCovered: before.size, outcome: 'clean' };
    } catch (error) {
      return errorVerdict('yara-x', engine, 0, `YARA-X scan failed: ${describeError(error)}`);
    }
  }

  return { name: 'yara-x', scanFile, version: async () => engine };
}
