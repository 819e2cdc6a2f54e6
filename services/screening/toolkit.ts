import type { Logger } from 'pino';
import type { ScreeningSettings } from './settings';
import { UnavailableError } from '../../lib/errors';
import { createAnalyzer, type Analyzer } from './analysis/analyze';
import { createClamdEngine, type ClamdAddress } from './engines/clamd';
import type { ScanEngine } from './engines/scan-engine';
import { createYaraEngine } from './engines/yara';
import { createIntrusionFilter } from './intrusion/intrusion-filter';
import { createScreeningStages, type ScreeningStages } from './stages';

/** The engines and checks screening runs with, built once from configuration. */
export interface ScreeningToolkit {
  stages: ScreeningStages;
  engines: ScanEngine[];
  analyzer: Analyzer;
  /** Engines asked for by default but left out because they were unreachable at start (embedded only). */
  missing: string[];
  close(): Promise<void>;
}

export interface ToolkitOptions {
  profile: 'embedded' | 'production';
  logger: Logger;
}

export function clamdAddress(settings: ScreeningSettings): ClamdAddress {
  const c = settings.clamd ?? {};
  return c.socket ? { socketPath: c.socket } : { host: c.host ?? '127.0.0.1', port: c.port ?? 13310 };
}

/**
 * Builds the engines and stages. The production profile, or a config that
 * names its engines, refuses to start without every engine it names
 * (`UnavailableError`). The embedded default uses clamd when one answers and
 * otherwise scans with YARA-X alone, and says so loudly: that is one engine
 * where the platform promises two.
 */
export async function createScreeningToolkit(
  settings: ScreeningSettings,
  options: ToolkitOptions,
): Promise<ScreeningToolkit> {
  const engines: ScanEngine[] = [];
  const missing: string[] = [];
  if (settings.engines.includes('clamav')) {
    const clamd = createClamdEngine({
      address: clamdAddress(settings),
      ...(settings.clamd?.verdictTimeoutMs ? { verdictTimeoutMs: settings.clamd.verdictTimeoutMs } : {}),
    });
    const where = `clamd at ${JSON.stringify(clamdAddress(settings))}`;
    const version = await clamd.version().catch(() => undefined);
    if (version) {
      engines.push(clamd);
      options.logger.info({ engine: 'clamav', ...version }, 'antivirus engine ready');
    } else if (options.profile === 'production' || settings.enginesConfigured) {
      throw new UnavailableError(`${where} (screening.engines names clamav; start it with ops/clamav/start.sh)`);
    } else {
      missing.push('clamav');
      options.logger.error(
        { engine: 'clamav', where },
        '!!! ClamAV is NOT scanning: clamd is unreachable, so files are screened by YARA-X ALONE. ' +
          'Start clamd (ops/clamav/start.sh) and restart the hub for two-engine cross scanning. !!!',
      );
    }
  }
  if (settings.engines.includes('yara-x')) {
    const yara = createYaraEngine(settings.yaraRules ? { rulePaths: settings.yaraRules } : {});
    engines.push(yara);
    options.logger.info({ engine: 'yara-x', ...(await yara.version()) }, 'antivirus engine ready');
  }
  if (engines.length === 0) throw new UnavailableError('every antivirus engine (screening.engines)');
  const analyzer = createAnalyzer({ policies: settings.policies });
  const intrusion = createIntrusionFilter({
    sizes: {
      ...(settings.minBytes ? { minBytes: settings.minBytes } : {}),
      ...(settings.maxBytes ? { maxBytes: settings.maxBytes } : {}),
    },
    ...(settings.archives ? { archives: settings.archives } : {}),
  });
  const stages = createScreeningStages({
    whitelist: settings.whitelist ?? {},
    intrusion,
    engines,
    analyzer,
    ...(settings.durationToleranceSeconds !== undefined
      ? { agreement: { durationToleranceSeconds: settings.durationToleranceSeconds } }
      : {}),
  });
  return { stages, engines, analyzer, missing, close: () => analyzer.close() };
}
