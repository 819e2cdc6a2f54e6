import { uuidv7 } from '../../../lib/ids';
import { detected } from '../../../test/support/events';
import { hashToken } from '../auth';
import { startTestGateway, type TestGateway } from '../testing/gateway-fixture';

interface Message {
  event: string;
  data: Record<string, unknown>;
}

/** Reads SSE messages from a streaming response until `until` holds or the time runs out, then aborts. */
async function collect(
  url: string,
  headers: Record<string, string>,
  until: (seen: Message[]) => boolean,
  ms = 8000,
): Promise<{ status: number; contentType: string | null; messages: Message[] }> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const messages: Message[] = [];
  if (!res.ok || !res.body) return { status: res.status, contentType: res.headers.get('content-type'), messages };
  const timer = setTimeout(() => abort.abort(), ms);
  let buffer = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) messages.push({ event, data: JSON.parse(data) as Record<string, unknown> });
      }
      if (until(messages)) break;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return { status: res.status, contentType: res.headers.get('content-type'), messages };
}

describe.each(['postgres', 'pglite'] as const)('GET /v1/stream on %s', (kind) => {
  let gw: TestGateway;
  let base: string;
  const newsAsset = uuidv7();
  const archiveAsset = uuidv7();
  const networksOf: Record<string, string[]> = { [newsAsset]: ['news'], [archiveAsset]: ['archive'] };
  const scopedToken = 'scoped-viewer-token-0123456789';
  /** While set, the read models are "behind": the stream must hold its events until it resolves. */
  let readModelsBehind: Promise<void> | undefined;

  beforeAll(async () => {
    gw = await startTestGateway(
      kind,
      {
        assetNetworks: async (id) => networksOf[id],
        liveProgress: async () => ({ 'transfer-1': { bytesDone: 5, bytesTotal: 10 } }),
        readModelsAt: async () => readModelsBehind,
      },
      [{ name: 'news-viewer', role: 'viewer', networks: ['news'], sha256: hashToken(scopedToken) }],
    );
    base = gw.app.listeningOrigin;
  });
  afterAll(() => gw.dispose());

  const appendBoth = () =>
    setTimeout(() => {
      void gw.store
        .append(`asset-${archiveAsset}`, [detected(`asset-${archiveAsset}`)])
        .then(() => gw.store.append(`asset-${newsAsset}`, [detected(`asset-${newsAsset}`)]));
    }, 300);

  test('an operator is told of every committed event as it commits, and of running copies, never of event data', async () => {
    appendBoth();
    const { status, contentType, messages } = await collect(
      `${base}/v1/stream`,
      gw.as('operator'),
      (seen) => seen.filter((m) => m.event === 'hub-event').length >= 2 && seen.some((m) => m.event === 'progress'),
    );
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/event-stream/);
    const events = messages.filter((m) => m.event === 'hub-event').map((m) => m.data);
    expect(events.map((e) => e.assetId)).toEqual([archiveAsset, newsAsset]);
    expect(events[0]).toMatchObject({ type: 'AssetDetected', stream: `asset-${archiveAsset}`, actor: 'user:test' });
    expect(events[0]).not.toHaveProperty('data');
    expect(messages.find((m) => m.event === 'progress')?.data).toEqual({
      transfers: { 'transfer-1': { bytesDone: 5, bytesTotal: 10 } },
    });
  });

  test("a viewer scoped to news hears of news's asset only, and gets no transfer progress", async () => {
    appendBoth();
    const { messages } = await collect(
      `${base}/v1/stream`,
      { authorization: `Bearer ${scopedToken}` },
      () => false,
      3000,
    );
    expect(messages.filter((m) => m.event === 'hub-event').map((m) => m.data.assetId)).toEqual([newsAsset]);
    expect(messages.some((m) => m.event === 'progress')).toBe(false);
  });

  test('an event is told only once the read models hold it (a console refreshing on it reads the change)', async () => {
    let release!: () => void;
    readModelsBehind = new Promise<void>((resolve) => (release = resolve));
    let releasedAt = Infinity;
    let heardAt = 0;
    appendBoth();
    setTimeout(() => {
      releasedAt = Date.now();
      release();
    }, 1500);
    const { messages } = await collect(`${base}/v1/stream`, gw.as('admin'), (seen) => {
      if (!seen.some((m) => m.event === 'hub-event')) return false;
      heardAt = Date.now();
      return true;
    });
    readModelsBehind = undefined;
    expect(messages.some((m) => m.event === 'hub-event')).toBe(true);
    expect(heardAt).toBeGreaterThanOrEqual(releasedAt);
  });

  test('a connector may not listen, and an anonymous caller is refused', async () => {
    expect((await collect(`${base}/v1/stream`, gw.as('connector'), () => true)).status).toBe(403);
    expect((await collect(`${base}/v1/stream`, {}, () => true)).status).toBe(401);
  });

  test('closing the gateway ends open streams instead of waiting for their clients', async () => {
    const other = await startTestGateway(kind);
    const res = await fetch(`${other.app.listeningOrigin}/v1/stream`, { headers: other.as('admin') });
    expect(res.status).toBe(200);
    const started = Date.now();
    await other.dispose();
    expect(Date.now() - started).toBeLessThan(5000);
    await res.body?.cancel().catch(() => undefined);
  });
});
