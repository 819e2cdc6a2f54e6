import { Command } from 'commander';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatSent, sendBody, sendCommand } from './send';

describe('mxhub send: flags to the API body', () => {
  test('--to is the network; priority, lane and force only when given', () => {
    expect(sendBody({ to: 'archive' })).toEqual({ network: 'archive' });
    expect(sendBody({ to: 'archive', priority: '2', lane: 'normal', force: true })).toEqual({
      network: 'archive',
      priority: 2,
      lane: 'normal',
      force: true,
    });
  });

  test('refusals name the flag and what is accepted', () => {
    expect(() => sendBody({})).toThrow('--to NETWORK is required');
    expect(() => sendBody({ to: 'archive', priority: '11' })).toThrow(
      '--priority must be a whole number from 1 (highest) to 10',
    );
    expect(() => sendBody({ to: 'archive', lane: 'fast' })).toThrow(
      '--lane must be one of: urgent, normal, got "fast"',
    );
  });

  test('the output says whether this send made the transfer or found it', () => {
    expect(formatSent('a1', 'archive', { id: 't1', created: true })).toBe('t1: asset a1 queued for archive\n');
    expect(formatSent('a1', 'archive', { id: 't1', created: false })).toBe(
      't1: asset a1 was already sent to archive; this is that transfer (--force sends another copy)\n',
    );
  });
});

describe('mxhub send through the hub API', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method?: string; url?: string; auth?: string; body: unknown }> = [];
  let answer: { status: number; body: unknown } = { status: 201, body: { id: 't1', created: true } };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body: JSON.parse(raw || '{}') });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function send(args: string[]): Promise<{ out: string; err: string; code: number }> {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    // run() exits when the command is done; here the test goes on.
    const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const program = new Command('mxhub').exitOverride();
    sendCommand(program);
    const before = process.exitCode;
    try {
      await program.parseAsync(['node', 'mxhub', 'send', ...args, '--url', url, '--token', 'tok']);
      return { out: out.join(''), err: err.join(''), code: Number(process.exitCode ?? 0) };
    } finally {
      process.exitCode = before;
      stdout.mockRestore();
      stderr.mockRestore();
      exit.mockRestore();
    }
  }

  test('posts the body to /v1/assets/{id}/transfers with the token and prints the transfer', async () => {
    const result = await send(['asset-1', '--to', 'archive', '--priority', '1', '--force']);
    expect(result).toEqual({ out: 't1: asset asset-1 queued for archive\n', err: '', code: 0 });
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: '/v1/assets/asset-1/transfers',
      auth: 'Bearer tok',
      body: { network: 'archive', priority: 1, force: true },
    });
  });

  test("the hub's 409 for a cancelled transfer reaches the user with its advice, exit 1", async () => {
    answer = {
      status: 409,
      body: { error: { message: "asset asset-1 was sent to 'archive' as transfer t1, which was cancelled: retry it" } },
    };
    const result = await send(['asset-1', '--to', 'archive']);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain('409 asset asset-1 was sent to');
    expect(result.err).toContain('retry it');
  });
});
