import { uuidv7 } from '../../../lib/ids';
import { createCatalogFixture, type CatalogFixture } from '../testing/catalog-fixture';

/** A cursor as a client could forge one: (time, id) in the API's encoding. */
const crafted = (at: string, id = uuidv7()) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

describe.each(['postgres', 'pglite'] as const)('catalog routes on %s (issue 14 item 4)', (kind) => {
  let fx: CatalogFixture;
  let assetId: string;
  let archiveOnly: string;
  const patch = (id: string, body: object, headers: Record<string, string>) =>
    fx.gw.request({
      method: 'PATCH',
      url: `/v1/assets/${id}/metadata`,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const listed = async (q: string) =>
    (await fx.gw.request({ url: `/v1/assets?q=${encodeURIComponent(q)}`, headers: fx.gw.as('viewer') })).json()
      .items as Array<{ assetId: string; title: string; version: number; metadata: Record<string, unknown> }>;

  beforeAll(async () => {
    fx = await createCatalogFixture(kind);
    assetId = await fx.seed({
      network: 'news',
      name: 'clip.mxf',
      at: '2026-12-01T08:00:00.000Z',
      sidecar: { title: '早间新闻', materialId: 'MAT-1', extra: [{ key: 'reporter', value: '刘科材' }] },
    });
    archiveOnly = await fx.seed({ network: 'archive', name: 'old.mxf', at: '2026-12-01T09:00:00.000Z' });
    await fx.project();
  }, 120_000);
  afterAll(async () => {
    await fx?.dispose();
  });

  test('PATCH metadata (If-Match the listed version): MetadataChanged with before and after, found by the new title', async () => {
    const [row] = await listed('早间新闻');
    const res = await patch(
      assetId,
      { title: '午间新闻', extra: { programme: '民生新闻', reporter: null } },
      { ...fx.gw.as('operator'), 'if-match': String(row!.version), 'x-correlation-id': 'edit-1' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      assetId,
      version: row!.version + 1,
      changed: ['title', 'extra.reporter', 'extra.programme'],
      metadata: { title: '午间新闻', extra: [{ key: 'programme', value: '民生新闻' }] },
    });
    const last = (await fx.gw.store.readStream(`asset-${assetId}`)).at(-1)!;
    expect(last).toMatchObject({
      type: 'MetadataChanged',
      data: { before: { title: '早间新闻' }, after: { title: '午间新闻' } },
      metadata: { actor: 'user:test-operator', correlationId: 'edit-1' },
    });
    await fx.project();
    expect(await listed('早间')).toEqual([]);
    const [edited] = await listed('午间');
    expect(edited).toMatchObject({ assetId, title: '午间新闻', version: row!.version + 1 });
    // The asset record (GET /v1/assets/{id}, the console's asset page) has the edit and the same version.
    const [record] = await fx.gw.deps.sql.query<{ sidecar: { title?: string }; version: number }>(
      'select sidecar, version from rm_assets where asset_id = $1',
      [assetId],
    );
    expect(record).toMatchObject({ sidecar: { title: '午间新闻' }, version: row!.version + 1 });
    // The listed version is the stream's: the next edit may go with it.
    const again = await patch(
      assetId,
      { description: '头条' },
      { ...fx.gw.as('admin'), 'if-match': String(edited!.version) },
    );
    expect(again.statusCode).toBe(200);
  });

  test('a stale If-Match is a 412 and changes nothing', async () => {
    const res = await patch(assetId, { title: 'x' }, { ...fx.gw.as('admin'), 'if-match': '1' });
    expect(res.statusCode).toBe(412);
  });

  test.each([
    ['viewer', 403, 'MXHUB_ERR_FORBIDDEN'],
    ['auditor', 403, 'MXHUB_ERR_FORBIDDEN'],
  ] as const)('a %s may not edit (role)', async (role, status, code) => {
    const res = await patch(assetId, { title: 'x' }, fx.gw.as(role));
    expect(res.statusCode).toBe(status);
    expect(res.json().error.code).toBe(code);
  });

  test('an operator without the modify right gets 403 naming it; an unknown asset is a 404', async () => {
    const refused = await patch(assetId, { title: 'x' }, fx.readerOperator);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('canModify');
    expect((await patch(uuidv7(), { title: 'x' }, fx.gw.as('admin'))).statusCode).toBe(404);
    expect(archiveOnly).toBeDefined();
  });

  test.each([
    [{}, 'must NOT have fewer than 1 properties'],
    [{ title: null }, 'sidecar <title> is required'],
    [{ programmeId: 'has space' }, 'sidecar <programmeId> must be an identifier'],
    [{ destinations: ['x'] }, '"destinations" is not accepted'],
  ])('PATCH %j -> 400 naming the field', async (body, message) => {
    const res = await patch(assetId, body, fx.gw.as('admin'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(message);
  });

  test.each([
    ['?limit=1001', 'query parameter "limit" must be <= 1000'],
    ['?state=lost', 'query parameter "state"'],
    ['?type=film', 'query parameter "type"'],
    ['?from=yesterday', 'from: must be an ISO-8601 date or time'],
    ['?q=a+b+c+d+e+f+g+h+i', 'q: at most 8 words'],
    ['?cursor=bm90LWEtY3Vyc29y', 'cursor: not a cursor this API returned'],
    [`?cursor=${crafted('2026-02-30T10:00:00.000000Z')}`, 'cursor: not a cursor this API returned'],
    [`?cursor=${crafted('0000-01-01T00:00:00.000000Z')}`, 'cursor: not a cursor this API returned'],
    [`?cursor=${crafted('2026-01-01T00:00:00.000000Z', 'id\u0000')}`, 'cursor: not a cursor this API returned'],
    ['?owner=me', 'query parameter "owner" is not accepted'],
  ])('GET /v1/assets%s -> 400 naming the parameter', async (query, message) => {
    const res = await fx.gw.request({ url: `/v1/assets${query}`, headers: fx.gw.as('viewer') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MXHUB_ERR_VALIDATION');
    expect(res.json().error.message).toContain(message);
  });

  test('the routes are documented in OpenAPI, nextCursor as the deprecated alias it is', async () => {
    const doc = (await fx.gw.request({ url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/assets', '/v1/assets/{assetId}/metadata', '/v1/catalog/tree']),
    );
    expect(doc.paths['/v1/assets'].get.description).toContain('`nextCursor` is a deprecated alias of `next`');
    const page = doc.paths['/v1/assets'].get.responses['200'].content['application/json'].schema;
    expect(page.properties.nextCursor.deprecated).toBe(true);
    expect(doc.paths['/v1/assets/{assetId}/metadata'].patch.responses['412']).toBeDefined();
  });
});
