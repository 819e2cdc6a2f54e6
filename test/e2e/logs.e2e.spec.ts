import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  dropDir,
  ensureSharedClamd,
  startScreeningHub,
  until,
  writeHubConfig,
  type ScreeningHub,
} from './screening/support';
import { dropWav } from './transfer/support';

/*
 * Issue 11, logs a person can read: the start says where the hub listens and
 * what it runs with, whatever the level; a file's life is one info line per
 * step (screened, cleared, delivered), a quarantine is a warning, and request
 * lines stay out of info.
 */
describe('logs of a running hub', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mxhub-e2e-logs-'));
  let h: ScreeningHub | undefined;
  beforeAll(async () => {
    await ensureSharedClamd();
    h = await startScreeningHub(dataDir, writeHubConfig(dataDir));
  });
  afterAll(async () => {
    if (h && h.hub.child.exitCode === null) await h.hub.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const lines = () =>
    h!
      .logs()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string });

  test('start summary, one line per step of a delivered file, no request lines at info', async () => {
    expect(h!.logs()).toMatch(/mxhub listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(h!.logs()).toMatch(/ {2}lanes {6}urgent 4 channels/);
    const source = await dropWav(dropDir(dataDir, 'broadcast'), 'logged.wav', 1);
    await until(
      async () => lines().some((l) => l.msg.startsWith('delivered to broadcast:') && l.msg.includes(source.name)),
      'a delivered line',
      () =>
        lines()
          .map((l) => l.msg)
          .join('\n'),
    );
    const msgs = lines().map((l) => l.msg);
    expect(msgs).toEqual(
      expect.arrayContaining(['screened: whitelist passed', 'screened: antivirus passed', `cleared: ${source.name}`]),
    );
    await h!.get('/v1/assets');
    expect(lines().filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
  });
});
