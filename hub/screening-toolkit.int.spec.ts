import pino from 'pino';
import { loadConfig } from './config';
import { UnavailableError } from '../lib/errors';
import { createScreeningToolkit } from '../services/screening/toolkit';

/** Nothing listens here: the clamd of these tests is unreachable on purpose. */
const NOWHERE = { host: '127.0.0.1', port: 1 };

function settings(screening: Record<string, unknown>) {
  const config = loadConfig({ env: {} });
  return { ...config.screening, ...screening };
}

describe('screening toolkit by profile', () => {
  test('production refuses to start when clamd is unreachable, naming it', async () => {
    await expect(
      createScreeningToolkit(settings({ clamd: NOWHERE }), {
        profile: 'production',
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow(UnavailableError);
    await expect(
      createScreeningToolkit(settings({ clamd: NOWHERE }), {
        profile: 'production',
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow(/clamd at .*127\.0\.0\.1.*1.* is unreachable/);
  });

  test('a config that names clamav requires it in the embedded profile too', async () => {
    await expect(
      createScreeningToolkit(settings({ clamd: NOWHERE, engines: ['clamav', 'yara-x'], enginesConfigured: true }), {
        profile: 'embedded',
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow(UnavailableError);
  });

  test('the embedded default scans with YARA-X alone and says so loudly', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const toolkit = await createScreeningToolkit(settings({ clamd: NOWHERE }), { profile: 'embedded', logger });
    try {
      expect(toolkit.engines.map((e) => e.name)).toEqual(['yara-x']);
      expect(toolkit.missing).toEqual(['clamav']);
      expect(lines.find((l) => l.level === 50)?.msg).toMatch(/ClamAV is NOT scanning.*YARA-X ALONE/);
    } finally {
      await toolkit.close();
    }
  });
});
