import { createCatalogFixture, type CatalogFixture } from '../testing/catalog-fixture';
import { buildSearch } from './search-query';

const video = {
  container: 'mp4',
  videoCodec: 'h264',
  audioCodec: 'aac',
  width: 1920,
  height: 1080,
  durationSeconds: 2,
};

describe.each(['postgres', 'pglite'] as const)('catalog search and tree on %s (issue 14 item 4)', (kind) => {
  let fx: CatalogFixture;
  const ids: Record<string, string> = {};
  const search = async (query: string, headers?: { authorization: string }) => {
    const res = await fx.gw.request({ url: `/v1/assets?${query}`, headers: headers ?? fx.gw.as('viewer') });
    expect(res.statusCode).toBe(200);
    return res.json() as { items: Array<Record<string, unknown>>; next: string | null; nextCursor: string | null };
  };
  const names = async (query: string, headers?: { authorization: string }) =>
    (await search(query, headers)).items.map((i) => i.originalName);

  beforeAll(async () => {
    fx = await createCatalogFixture(kind);
    ids.morning = await fx.seed({
      network: 'news',
      name: 'clip1000.mp4',
      at: '2026-11-20T08:00:00.000Z',
      targets: ['broadcast'],
      sidecar: {
        title: '民生新闻 早间版',
        materialId: 'MAT-1',
        extra: [
          { key: 'programme', value: '民生新闻' },
          { key: 'reporter', value: '王骏' },
          { key: 'keywords', value: '交通 事故' },
        ],
      },
      technical: video,
      copies: [['broadcast', 'delivered']],
    });
    ids.sport = await fx.seed({
      network: 'archive',
      name: 'sport.wav',
      at: '2026-12-01T09:00:00.000Z',
      sidecar: { title: '体育报道', programmeId: 'PRG-9', extra: [{ key: 'program', value: '体育' }] },
      technical: { container: 'wav', audioCodec: 'pcm', sampleRate: 48000 },
    });
    ids.special = await fx.seed({
      network: 'news',
      name: 'special.mxf',
      at: '2026-12-01T10:00:00.000Z',
      sidecar: { title: "Evening 100% news_special \\ it's on", programmeId: 'PRG-1' },
      technical: { container: 'mxf', videoCodec: 'mpeg2', audioCodec: 'pcm', width: 1920, height: 1080 },
    });
    ids.virus = await fx.seed({
      network: 'news',
      name: 'virus.mxf',
      at: '2026-12-01T11:00:00.000Z',
      quarantined: true,
    });
    ids.still = await fx.seed({
      network: 'archive',
      name: 'still.png',
      at: '2026-12-01T12:00:00.000Z',
      sidecar: { title: '新闻图片', materialId: 'IMG-1' },
      technical: { container: 'png', videoCodec: 'png', width: 320, height: 240 },
      copies: [['news', 'cached']],
    });
    // The cached copy leaves news: the still is archive's again.
    await fx.append(ids.still, 'ReplicaEvicted', { network: 'news', path: '/nodes/news/x/still.png' });
    await fx.append(ids.still, 'ProxyCreated', {
      kind: 'thumbnail',
      path: `${ids.still}/thumbnail.jpg`,
      mediaType: 'image/jpeg',
      sizeBytes: 10,
      sha256: 'd'.repeat(64),
    });
    await fx.project();
  }, 120_000);
  afterAll(async () => {
    await fx?.dispose();
  });

  test('a Chinese substring of one character or more finds it in any field, through an index from two', async () => {
    expect(await names('q=新闻')).toEqual(['still.png', 'clip1000.mp4']);
    expect(await names(`q=${encodeURIComponent('民生新闻')}`)).toEqual(['clip1000.mp4']);
    expect(await names('q=王骏')).toEqual(['clip1000.mp4']);
    expect(await names(`q=${encodeURIComponent('交通 早间')}`)).toEqual(['clip1000.mp4']);
    expect(await names('q=新')).toEqual(['still.png', 'clip1000.mp4']);
    // The plan: with sequential scans priced out, three characters or more go through the trigram index.
    const plan = await fx.gw.deps.sql.transaction(async (tx) => {
      await tx.query('set local enable_seqscan = off');
      const rows = await tx.query<Record<string, string>>(
        `explain select asset_id from rm_catalog where search_text like $1 escape '\\'`,
        ['%民生新%'],
      );
      return rows.map((r) => Object.values(r)[0]).join('\n');
    });
    expect(plan).toContain('rm_catalog_search_idx');
    // Two characters go through the index of the doubled text.
    const { where, params } = buildSearch({ q: '新闻' }, undefined);
    const pairs = await fx.gw.deps.sql.transaction(async (tx) => {
      await tx.query('set local enable_seqscan = off');
      const rows = await tx.query<Record<string, string>>(
        `explain select asset_id from rm_catalog c where ${where.join(' and ')}`,
        params.values,
      );
      return rows.map((r) => Object.values(r)[0]).join('\n');
    });
    expect(pairs).toContain('rm_catalog_pairs_idx');
  });

  test('by programme, by codec, container, raster and type', async () => {
    expect(await names(`program=${encodeURIComponent('民生新闻')}`)).toEqual(['clip1000.mp4']);
    expect(await names(`program=${encodeURIComponent('体育')}`)).toEqual(['sport.wav']);
    expect(await names('q=h264')).toEqual(['clip1000.mp4']);
    expect(await names('q=MPEG2')).toEqual(['special.mxf']);
    expect(await names('q=1920x1080')).toEqual(['special.mxf', 'clip1000.mp4']);
    expect(await names('type=audio')).toEqual(['sport.wav']);
    expect(await names('type=image')).toEqual(['still.png']);
    expect(await names('type=video&network=broadcast')).toEqual(['clip1000.mp4']);
    expect(await names('from=2026-12-01&to=2026-12-01T10:30:00Z')).toEqual(['special.mxf', 'sport.wav']);
    const [still] = (await search('q=still')).items;
    expect(still).toMatchObject({
      title: '新闻图片',
      programme: null,
      type: 'image',
      networks: ['archive'],
      posterUrl: `/v1/assets/${ids.still}/poster`,
      state: 'cleared',
    });
  });

  test('%, _, \\ and a quote match themselves', async () => {
    expect(await names('q=100%25')).toEqual(['special.mxf']);
    expect(await names('q=%25')).toEqual(['special.mxf']);
    expect(await names('q=_')).toEqual(['special.mxf']);
    expect(await names('q=%5C')).toEqual(['special.mxf']);
    expect(await names(`q=${encodeURIComponent("it's")}`)).toEqual(['special.mxf']);
    expect(await names('q=n_ws')).toEqual([]);
  });

  test('pages by cursor newest or oldest first, no row repeated or skipped', async () => {
    for (const sort of ['newest', 'oldest']) {
      const all = await names(`sort=${sort}`);
      expect(all).toHaveLength(5);
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page = await search(`sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.nextCursor).toBe(page.next);
        seen.push(...page.items.map((i) => i.originalName));
        cursor = page.next;
      } while (cursor);
      expect(seen).toEqual(all);
    }
    expect((await names('sort=oldest'))[0]).toBe('clip1000.mp4');
  });

  test('the filters the assets list always had still hold: state, source network, target', async () => {
    expect(await names('state=quarantined')).toEqual(['virus.mxf']);
    expect(await names('sourceNetwork=archive')).toEqual(['still.png', 'sport.wav']);
    expect(await names('target=broadcast')).toEqual(['clip1000.mp4']);
  });

  test('a viewer scoped to news never finds what only archive holds', async () => {
    expect(await names('', fx.newsViewer)).toEqual(['virus.mxf', 'special.mxf', 'clip1000.mp4']);
    expect(await names('q=新闻', fx.newsViewer)).toEqual(['clip1000.mp4']);
    expect(await names('network=archive', fx.newsViewer)).toEqual([]);
  });

  test('the tree: network, month, programme, items, with counts; scoped the same way', async () => {
    const tree = (await fx.gw.request({ url: '/v1/catalog/tree?network=news', headers: fx.gw.as('viewer') })).json();
    expect(tree).toEqual({
      networks: [
        {
          network: 'news',
          count: 2,
          months: [
            {
              month: '2026-12',
              count: 1,
              programmes: [
                { programme: 'PRG-1', count: 1, items: [expect.objectContaining({ assetId: ids.special })] },
              ],
            },
            {
              month: '2026-11',
              count: 1,
              programmes: [
                {
                  programme: '民生新闻',
                  count: 1,
                  items: [
                    {
                      assetId: ids.morning,
                      originalName: 'clip1000.mp4',
                      title: '民生新闻 早间版',
                      type: 'video',
                      detectedAt: '2026-11-20T08:00:00.000Z',
                      posterUrl: null,
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const all = (await fx.gw.request({ url: '/v1/catalog/tree?items=0', headers: fx.gw.as('viewer') })).json();
    expect(all.networks.map((n: { network: string; count: number }) => [n.network, n.count])).toEqual([
      ['archive', 2],
      ['broadcast', 1],
      ['news', 2],
    ]);
    expect(all.networks[0].months[0].programmes).toEqual([
      { programme: '体育', count: 1, items: [] },
      { programme: null, count: 1, items: [] },
    ]);
    const scoped = (await fx.gw.request({ url: '/v1/catalog/tree', headers: fx.newsViewer })).json();
    expect(scoped.networks.map((n: { network: string }) => n.network)).toEqual(['broadcast', 'news']);
  });
});
