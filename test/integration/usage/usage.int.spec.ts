import { parse } from 'csv-parse/sync';
import { createUsageReport } from '../../../services/usage/read-model/report-query';
import { createUsageFixture, MORE_USERS, type UsageFixture } from './usage-fixture';

/**
 * Usage marks on both profiles (issue 14 item 5): by hand, by a fetch, by a
 * download and by a pick send, each in the asset's list and in the report;
 * the CSV report grouped by department is the JSON one.
 */
describe.each(['postgres', 'pglite'] as const)('usage marks and report on %s', (kind) => {
  let fx: UsageFixture;
  let assetId: string;
  let other: string;
  const as = (role: 'admin' | 'operator' | 'viewer' | 'auditor') => fx.gw.as(role);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const marks = async (id: string, auth = as('viewer')) => {
    await fx.project();
    const res = await fx.call('GET', `/v1/assets/${id}/usage`, auth);
    expect(res.statusCode).toBe(200);
    return res.json().items as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    fx = await createUsageFixture(kind);
    assetId = await fx.clearedAsset('民生新闻 opening.wav', 'news');
    other = await fx.clearedAsset('archive only.wav', 'archive');
  }, 60_000);
  afterAll(() => fx?.dispose());

  test('a mark by hand: who (the token), where, department, programme, note', async () => {
    const body = { department: '新闻部', program: '民生新闻', where: 'CCTV-13 19:00', note: 'opening, "cold"' };
    const res = await fx.call('POST', `/v1/assets/${assetId}/usage`, as('viewer'), body);
    expect(res.statusCode).toBe(201);
    expect(await marks(assetId)).toEqual([
      expect.objectContaining({ kind: 'hand', actor: 'user:test-viewer', ...body, network: null }),
    ]);
    const bad = await fx.call('POST', `/v1/assets/${assetId}/usage`, as('viewer'), { ...body, where: '   ' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/^where:/);
    const missing = await fx.call('POST', '/v1/assets/no-such-asset/usage', as('viewer'), body);
    expect(missing.statusCode).toBe(404);
  });

  test('a fetch and a download mark by themselves; a later range read of the same viewing does not', async () => {
    const fetched = await fx.call('POST', `/v1/assets/${assetId}/fetch`, as('operator'), { network: 'broadcast' });
    expect(fetched.statusCode).toBe(202);
    const whole = await fx.call('GET', `/v1/assets/${assetId}/content?network=archive`, as('viewer'));
    expect(whole.statusCode).toBe(200);
    const tail = await fx.call('GET', `/v1/assets/${assetId}/content`, { ...as('viewer'), range: 'bytes=100-199' });
    expect(tail.statusCode).toBe(206);
    const kinds = (await marks(assetId)).map((m) => [m.kind, m.actor, m.network]);
    expect(kinds).toEqual([
      ['download', 'user:test-viewer', 'archive'],
      ['fetch', 'user:test-operator', 'broadcast'],
      ['hand', 'user:test-viewer', null],
    ]);
  });

  test('a pick sent: each item fetched once as the owner, one pick mark each and no fetch mark besides', async () => {
    const made = await fx.call('POST', '/v1/picks', as('operator'), { name: 'Evening' });
    expect(made.statusCode).toBe(201);
    const pickId = made.json().id as string;
    for (const id of [assetId, other]) {
      expect((await fx.call('POST', `/v1/picks/${pickId}/items`, as('operator'), { assetId: id })).statusCode).toBe(
        200,
      );
    }
    const sent = await fx.call('POST', `/v1/picks/${pickId}/send`, as('operator'), { network: 'archive' });
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toMatchObject({
      pickId,
      network: 'archive',
      answered: false,
      items: [
        { assetId, outcome: 'requested' },
        { assetId: other, outcome: 'requested' },
      ],
    });
    await fx.react();
    const pick = (await fx.call('GET', `/v1/picks/${pickId}`, as('operator'))).json();
    expect(pick.sends[0]).toMatchObject({
      answered: true,
      items: [
        { assetId, outcome: 'fetching', sourceNetwork: 'news' },
        { assetId: other, outcome: 'held' },
      ],
    });
    const transferId = pick.sends[0].items[0].transferId as string;

    // Delivered again (at least once): the answer stands, nothing is fetched twice.
    const [sentEvent] = (await fx.gw.store.readStream(`pick-${pickId}`)).filter((e) => e.type === 'PickSent');
    await fx.pickSends.handle(sentEvent!);
    const stream = await fx.gw.store.readStream(`pick-${pickId}`);
    expect(stream.filter((e) => e.type === 'PickSendAnswered')).toHaveLength(1);
    const fetches = (await fx.gw.store.readStream(`asset-${assetId}`)).filter((e) => e.type === 'FetchRequested');
    const fromPick = fetches.filter((e) => (e.data as { transferId: string }).transferId === transferId);
    expect(fromPick).toHaveLength(1);
    expect(fromPick[0]!.metadata).toMatchObject({ actor: 'user:test-operator', causationId: sentEvent!.id });

    const list = await marks(assetId);
    expect(list.filter((m) => m.kind === 'pick')).toEqual([
      expect.objectContaining({ actor: 'user:test-operator', network: 'archive' }),
    ]);
    expect(list.filter((m) => m.kind === 'fetch')).toHaveLength(1);
    expect((await marks(other)).map((m) => m.kind)).toEqual(['pick']);
  });

  test('the report counts every mark by group; its CSV grouped by department is the JSON', async () => {
    await fx.call('POST', `/v1/assets/${other}/usage`, as('operator'), {
      department: 'sport, "live"',
      program: 'Match day',
      where: 'studio 2',
    });
    await fx.project();
    const json = await fx.call('GET', '/v1/reports/usage?groupBy=department', as('auditor'));
    expect(json.statusCode).toBe(200);
    const report = json.json();
    expect(report.total).toBe(6);
    expect(report.items).toEqual([
      { key: null, count: 4, hand: 0, fetch: 1, download: 1, pick: 2 },
      { key: 'sport, "live"', count: 1, hand: 1, fetch: 0, download: 0, pick: 0 },
      { key: '新闻部', count: 1, hand: 1, fetch: 0, download: 0, pick: 0 },
    ]);

    // inject: fetch's text() would drop the byte order mark this checks.
    const csv = await fx.gw.app.inject({
      url: '/v1/reports/usage?groupBy=department&format=csv',
      headers: as('auditor'),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename=usage-by-department-all-to-all.csv');
    expect([...csv.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(csv.rawPayload, { bom: true });
    expect(rows[0]).toEqual(['department', 'count', 'hand', 'fetch', 'download', 'pick']);
    expect(rows.slice(1)).toEqual(
      report.items.map((i: Record<string, unknown>) =>
        [i.key ?? '', i.count, i.hand, i.fetch, i.download, i.pick].map(String),
      ),
    );

    const byAsset = (await fx.call('GET', '/v1/reports/usage?groupBy=asset', as('operator'))).json();
    expect(byAsset.items[0]).toEqual({
      key: assetId,
      name: '民生新闻 opening.wav',
      count: 4,
      hand: 1,
      fetch: 1,
      download: 1,
      pick: 1,
    });
    const byUser = (await fx.call('GET', '/v1/reports/usage?groupBy=user', as('admin'))).json();
    expect(byUser.items.map((i: { key: string; count: number }) => [i.key, i.count])).toEqual([
      ['user:test-operator', 4],
      ['user:test-viewer', 2],
    ]);
    const future = (await fx.call('GET', '/v1/reports/usage?from=2099-01-01T00:00:00Z', as('admin'))).json();
    expect(future).toMatchObject({ total: 0, items: [] });
  });

  test('a report scoped to networks counts only the marks of assets held there (origin or replica)', async () => {
    const report = createUsageReport(fx.gw.deps.sql);
    const scoped = await report({ groupBy: 'asset', networks: ['archive'] });
    expect(scoped.items.map((i) => [i.key, i.count])).toEqual([[other, 2]]);
    const both = await report({ groupBy: 'asset', networks: ['archive', 'news'] });
    expect(both.total).toBe(6);
  });

  test('a scoped viewer sees none of what it may not: marks, picks and the report', async () => {
    const scoped = bearer(MORE_USERS.scoped);
    expect((await fx.call('GET', `/v1/assets/${assetId}/usage`, scoped)).statusCode).toBe(404);
    expect((await fx.call('GET', `/v1/assets/${other}/usage`, scoped)).statusCode).toBe(200);
    const mark = { department: 'd', program: 'p', where: 'w' };
    expect((await fx.call('POST', `/v1/assets/${assetId}/usage`, scoped, mark)).statusCode).toBe(404);
    const pickId = (await fx.call('POST', '/v1/picks', scoped, { name: 'mine' })).json().id as string;
    expect((await fx.call('POST', `/v1/picks/${pickId}/items`, scoped, { assetId })).statusCode).toBe(404);
    expect((await fx.call('POST', `/v1/picks/${pickId}/items`, scoped, { assetId: other })).statusCode).toBe(200);
    expect((await fx.call('GET', '/v1/reports/usage', scoped)).statusCode).toBe(403);
  });

  test('a send no consumer answered (a restart cut it off) is answered by the sweep at start, once', async () => {
    const pickId = (await fx.call('POST', '/v1/picks', as('admin'), { name: 'cut off' })).json().id as string;
    await fx.call('POST', `/v1/picks/${pickId}/items`, as('admin'), { assetId: other });
    expect((await fx.call('POST', `/v1/picks/${pickId}/send`, as('admin'), { network: 'news' })).statusCode).toBe(202);
    expect(await fx.pickSends.sweep(60_000)).toBe(1);
    expect(await fx.pickSends.sweep(60_000)).toBe(0);
    const pick = (await fx.call('GET', `/v1/picks/${pickId}`, as('admin'))).json();
    expect(pick.sends[0]).toMatchObject({ answered: true, items: [{ assetId: other, outcome: 'fetching' }] });
  });
});
