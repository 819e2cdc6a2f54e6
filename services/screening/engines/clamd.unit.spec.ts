import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClamdEngine, type ClamdAddress, type ClamdEngineOptions } from './clamd';

/** What the fake clamd does with one complete INSTREAM payload (null: never answer). */
type Behaviour = { answer: (payload: Buffer) => string | null; limit?: number };

/** A fake clamd speaking the real protocol, recording every stream it receives. */
async function fakeClamd(listen: { port: 0 } | { path: string }, behaviour: Behaviour) {
  const streams: Buffer[] = [];
  const server = net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    let command: string | undefined;
    const received: Buffer[] = [];
    let size = 0;
    socket.on('error', () => undefined);
    socket.on('data', (data) => {
      pending = Buffer.concat([pending, data]);
      if (command === undefined) {
        const end = pending.indexOf(0);
        if (end < 0) return;
        command = pending.subarray(1, end).toString();
        pending = pending.subarray(end + 1);
        if (command === 'PING') return void socket.end('PONG\0');
        if (command === 'VERSION') return void socket.end('ClamAV 9.9.9/4242/Sat Nov 21 10:00:00 2026\0');
      }
      while (pending.length >= 4) {
        const length = pending.readUInt32BE(0);
        if (length === 0) {
          const payload = Buffer.concat(received);
          streams.push(payload);
          const answer = behaviour.answer(payload);
          if (answer !== null) socket.end(`${answer}\0`);
          return;
        }
        if (pending.length < 4 + length) return;
        received.push(pending.subarray(4, 4 + length));
        size += length;
        pending = pending.subarray(4 + length);
        if (behaviour.limit !== undefined && size > behaviour.limit) {
          return void socket.end('INSTREAM size limit exceeded. ERROR\0');
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(listen, resolve));
  const info = server.address();
  const address: ClamdAddress =
    typeof info === 'string' ? { socketPath: info } : { host: '127.0.0.1', port: info!.port };
  return { address, streams, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('createClamdEngine against a fake clamd', () => {
  let dir: string;
  let servers: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mxhub-clamd-'));
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const setup = async (
    behaviour: Behaviour,
    options: ClamdEngineOptions = {},
    listen: { port: 0 } | { path: string } = { port: 0 },
  ) => {
    const fake = await fakeClamd(listen, behaviour);
    servers.push(fake);
    return { fake, engine: createClamdEngine({ ...options, address: fake.address }) };
  };
  const file = async (content: Buffer) => {
    const target = path.join(dir, `f-${Math.random().toString(36).slice(2)}`);
    await writeFile(target, content);
    return target;
  };
  const findMarker = (payload: Buffer) => (payload.includes('BAD') ? 'stream: Test.Bad FOUND' : 'stream: OK');

  it('streams the whole file in length-prefixed chunks and reports what clamd says', async () => {
    const { fake, engine } = await setup({ answer: () => 'stream: OK' }, { chunkSize: 1000 });
    const content = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 256));
    const verdict = await engine.scanFile(await file(content));
    expect(verdict).toEqual({
      engine: 'clamav',
      engineVersion: 'ClamAV 9.9.9',
      signatureVersion: '4242 (Sat Nov 21 10:00:00 2026)',
      bytesCovered: 10_000,
      outcome: 'clean',
    });
    expect(fake.streams).toEqual([content]);
  });

  it('speaks the same protocol over a unix socket, and answers PING', async () => {
    const { engine } = await setup({ answer: findMarker }, {}, { path: path.join(dir, 'clamd.sock') });
    expect(await engine.ping()).toBe(true);
    expect(await engine.scanFile(await file(Buffer.from('xxBADxx')))).toMatchObject({
      outcome: 'infected',
      signature: 'Test.Bad',
    });
  });

  it('scans a file beyond the part size in overlapping parts and stops at the first detection', async () => {
    const { fake, engine } = await setup(
      { answer: findMarker },
      { partSize: 1000, overlap: 100, chunkSize: 64, partConcurrency: 1 },
    );
    const content = Buffer.alloc(3500, 0x2e);
    content.write('BAD', 1500);
    const verdict = await engine.scanFile(await file(content));
    expect(fake.streams.map((s) => s.length)).toEqual([1100, 1100]);
    expect(verdict).toMatchObject({
      outcome: 'infected',
      bytesCovered: 2100,
      reason: expect.stringContaining('part 2/4 (bytes 1000-2099)'),
    });
  });

  it('sees a signature straddling a part boundary whole, thanks to the overlap', async () => {
    const { fake, engine } = await setup({ answer: findMarker }, { partSize: 1000, overlap: 100, partConcurrency: 1 });
    const content = Buffer.alloc(2500, 0x2e);
    content.write('BAD', 999);
    expect(await engine.scanFile(await file(content))).toMatchObject({ outcome: 'infected' });
    expect(fake.streams).toHaveLength(1);
  });

  it('streams the parts of a large file side by side: a part clamd is slow to answer does not hold up the next', async () => {
    // The first part is never answered; the second is streamed meanwhile (one at a time, it would wait for the timeout).
    let first = true;
    const answer = (payload: Buffer) => (first ? ((first = false), null) : findMarker(payload));
    const { fake, engine } = await setup({ answer }, { partSize: 1000, overlap: 100, verdictTimeoutMs: 1500 });
    const verdict = await engine.scanFile(await file(Buffer.alloc(2500)));
    expect(fake.streams.length).toBeGreaterThanOrEqual(2);
    expect(verdict).toMatchObject({ outcome: 'error', bytesCovered: 0, reason: expect.stringContaining('no answer') });
  });

  it('covers a large clean file with every part', async () => {
    const { fake, engine } = await setup({ answer: findMarker }, { partSize: 1000, overlap: 100 });
    expect(await engine.scanFile(await file(Buffer.alloc(3500)))).toMatchObject({
      outcome: 'clean',
      bytesCovered: 3500,
    });
    // Side by side, parts end in any order.
    expect(fake.streams.map((s) => s.length).sort((a, b) => a - b)).toEqual([500, 1100, 1100, 1100]);
  });

  it('fails closed when clamd stops the stream at its size limit, without hanging', async () => {
    const { engine } = await setup({ answer: () => 'stream: OK', limit: 50_000 }, { chunkSize: 4096 });
    const verdict = await engine.scanFile(await file(Buffer.alloc(8 * 2 ** 20)));
    expect(verdict).toMatchObject({
      outcome: 'error',
      bytesCovered: 0,
      reason: 'clamd refused the scan: INSTREAM size limit exceeded.',
    });
  });

  it('fails closed when clamd never answers', async () => {
    const { engine } = await setup({ answer: () => null }, { verdictTimeoutMs: 200 });
    const verdict = await engine.scanFile(await file(Buffer.from('hello')));
    expect(verdict).toMatchObject({
      outcome: 'error',
      reason: expect.stringContaining('no answer from clamd within 200 ms'),
    });
  });

  it('fails closed on heuristics that mean the scan was incomplete', async () => {
    const { engine } = await setup({ answer: () => 'stream: Heuristics.Encrypted.Zip FOUND' });
    expect(await engine.scanFile(await file(Buffer.from('PK')))).toMatchObject({
      outcome: 'error',
      signature: 'Heuristics.Encrypted.Zip',
      reason: expect.stringContaining('encrypted'),
    });
  });

  it('fails closed when clamd is unreachable', async () => {
    const { fake, engine } = await setup({ answer: () => 'stream: OK' });
    await fake.close();
    servers = [];
    expect(await engine.ping()).toBe(false);
    await expect(engine.version()).rejects.toMatchObject({ code: 'MXHUB_ERR_UNAVAILABLE' });
    expect(await engine.scanFile(await file(Buffer.from('hello')))).toMatchObject({
      engineVersion: 'unknown',
      outcome: 'error',
      reason: expect.stringContaining('ECONNREFUSED'),
    });
  });
});
