import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { buildHub } from './build';
import { loadConfig } from './config';
import { openStorage } from './storage';

/** Every close the hub's cleanup stack ran, in order, from its debug log. */
function recordingLogger() {
  const closed: string[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { msg?: string; part?: string };
        if (entry.msg === 'closed' && entry.part) closed.push(entry.part);
      },
    },
  );
  return { logger, closed };
}

/** Handles that keep a process alive: servers, sockets, child processes, pipes, file watchers. */
const LASTING = new Set(['TCPServerWrap', 'TCPSocketWrap', 'ProcessWrap', 'PipeWrap', 'FSEventWrap', 'StatWatcher']);
const handles = () =>
  process
    .getActiveResourcesInfo()
    .filter((r) => LASTING.has(r))
    .sort();

/**
 * The lasting handles open now that were not open `before`, once they settle
 * (a closed child process is reaped a moment after its pipe ends). Only new
 * ones count: a handle an earlier test file left (the suite runs in band) may
 * end while this one runs.
 */
async function newHandles(before: string[]): Promise<string[]> {
  const extra = () => {
    const left = [...before];
    return handles().filter((h) => {
      const i = left.indexOf(h);
      if (i < 0) return true;
      left.splice(i, 1);
      return false;
    });
  };
  for (let i = 0; i < 100 && extra().length > 0; i++) await sleep(50);
  return extra();
}

function embedded(port: number, file?: object) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mx-build-'));
  let configFile: string | undefined;
  if (file) writeFileSync((configFile = join(dataDir, 'config.json')), JSON.stringify(file));
  return loadConfig({ env: {}, flags: { data: dataDir, port }, ...(configFile ? { file: configFile } : {}) });
}

describe('buildHub: start-up on a cleanup stack', () => {
  let taken: Server;
  let port: number;

  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    port = (taken.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => taken.close(resolve)));

  test('a start that fails at the gateway (port taken) closes everything it opened, newest first', async () => {
    const before = handles();
    const config = embedded(port);
    const { logger, closed } = recordingLogger();
    const hub = await buildHub(config, logger);
    await expect(hub.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });

    expect(closed).toEqual([
      'gateway',
      'media',
      'media queue',
      'subscriptions',
      'session sweeper',
      'pick sends',
      'eviction',
      'repair',
      'fixity audit',
      'link stats',
      'node reporter',
      'watch folder news',
      'watch folder archive',
      'watch folder broadcast',
      'transfer',
      'transfer queues',
      'transfer progress board',
      'node layout monitor',
      'screening',
      'screening queue',
      'screening engines',
      'projections',
      'relay',
      'checkpointer',
      'backbone',
      'storage',
    ]);
    // The store is closed: its SQL refuses, and the embedded database's directory lock is free for another opener.
    await expect(hub.sql.query('select 1')).rejects.toThrow();
    const again = await openStorage(config);
    await again.close();
    // Nothing the hub opened (sockets, the flock child, watchers) is left to keep the process alive.
    expect(await newHandles(before)).toEqual([]);
  });

  test('a build that fails halfway (a bad checkpoint key) closes the backbone and the store', async () => {
    const base = embedded(0);
    const keyFile = join(base.dataDir, 'bad-key.pem');
    writeFileSync(keyFile, 'not a key');
    const config = { ...base, checkpoints: { ...base.checkpoints, keyFile } };
    const { logger, closed } = recordingLogger();
    await expect(buildHub(config, logger)).rejects.toThrow();
    expect(closed).toEqual(['backbone', 'storage']);
    const again = await openStorage(config);
    await again.close();
  });

  test('stop after a clean start unwinds the same stack', async () => {
    const { logger, closed } = recordingLogger();
    const hub = await buildHub(embedded(0), logger);
    await hub.start();
    await hub.stop();
    expect(closed[0]).toBe('gateway');
    expect(closed.slice(-3)).toEqual(['checkpointer', 'backbone', 'storage']);
  });
});
