// The benchmark's catalog: assets with sidecar metadata as a newsroom writes it (Chinese programmes, titles,
// reporters, keywords, descriptions), technical metadata of video, audio and stills, several networks each.
// Rows go straight into the read models; the derived columns come from the projection's own functions.
import { uuidv7 } from '../../lib/ids';
import type { Sql } from '../../lib/db/sql';
import { mediaTypeOf, paired, programmeOf, searchText } from '../../services/catalog/read-model/entry';

const PROGRAMMES = [
  '民生新闻',
  '都市资讯',
  '新闻联播',
  '体育报道',
  '天气预报',
  '财经观察',
  '法治在线',
  '健康生活',
  '文化广场',
  '交通广播',
  '晚间新闻',
  '早安哈尔滨',
  '冰城故事',
  '农业天地',
  '科技前沿',
  '教育时空',
  '旅游指南',
  '美食地图',
  '戏曲大观',
  '少儿乐园',
];
const SURNAMES = ['王', '刘', '李', '张', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙'];
const GIVEN = ['建华', '晴麟', '科材', '骏', '秀英', '志强', '海燕', '立新', '丽', '伟'];
const WORDS = [
  '交通',
  '事故',
  '股市',
  '天气',
  '降雪',
  '冰雪',
  '节日',
  '医院',
  '学校',
  '企业',
  '农业',
  '市场',
  '旅游',
  '文化',
  '体育',
  '比赛',
  '会议',
  '政策',
  '社区',
  '消防',
  '环境',
  '科技',
  '教育',
  '演出',
  '展览',
  '采访',
  '现场',
  '直播',
  '专题',
  '评论',
];
const NETWORKS = ['news', 'broadcast', 'archive', 'radio', 'web', 'sports', 'drama', 'finance', 'city'];
const TECHNICAL = [
  { container: 'mp4', videoCodec: 'h264', audioCodec: 'aac', width: 1920, height: 1080, durationSeconds: 95 },
  { container: 'mxf', videoCodec: 'mpeg2', audioCodec: 'pcm', width: 1920, height: 1080, durationSeconds: 1800 },
  { container: 'mov', videoCodec: 'prores', audioCodec: 'pcm', width: 1920, height: 1080, durationSeconds: 300 },
  { container: 'wav', audioCodec: 'pcm', sampleRate: 48000, durationSeconds: 600 },
  { container: 'mp4', audioCodec: 'aac', sampleRate: 48000, durationSeconds: 240 },
  { container: 'jpeg', videoCodec: 'jpeg', width: 4000, height: 3000 },
];
const VERDICTS = ['whitelist', 'intrusion', 'antivirus', 'analysis', 'sidecar'].map((stage) => ({
  stage,
  passed: true,
  at: '2026-12-01T10:00:00.000Z',
}));

interface SeedRow {
  id: string;
  at: string;
  originalName: string;
  source: string;
  networks: string;
  type: string;
  state: string;
  title: string;
  programme: string | null;
  metadata: string;
  technical: string;
  search: string;
  pairs: string;
}

/** A small deterministic generator (a linear congruential one), so every run holds the same catalog. */
function random(seed: number) {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return { pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!, next };
}

/** Inserts `count` assets into rm_catalog and rm_assets; returns the seconds it took (index build included). */
export async function seedCatalog(sql: Sql, count: number): Promise<string> {
  const started = Date.now();
  const r = random(42);
  await sql.query('drop index rm_catalog_search_idx');
  await sql.query('drop index rm_catalog_pairs_idx');
  const start = Date.parse('2025-01-01T00:00:00Z');
  const span = Date.parse('2026-12-01T00:00:00Z') - start;
  for (let offset = 0; offset < count; offset += 1000) {
    const rows: SeedRow[] = [];
    for (let i = offset; i < Math.min(count, offset + 1000); i++) {
      const programme = r.pick(PROGRAMMES);
      const reporter = r.pick(SURNAMES) + r.pick(GIVEN);
      const words = [r.pick(WORDS), r.pick(WORDS), r.pick(WORDS)];
      const source = r.pick(NETWORKS);
      const networks = [...new Set([source, r.pick(NETWORKS), ...(r.next() < 0.3 ? [r.pick(NETWORKS)] : [])])].sort();
      const technical = r.pick(TECHNICAL);
      const metadata = {
        title: `${programme} 第${i}期 ${words[0]}${words[1]}`,
        programmeId: `PRG-${PROGRAMMES.indexOf(programme)}`,
        description: `${reporter}${words[2]}报道：${words.join('、')}，${programme}现场采访与评论。`,
        destinations: [],
        extra: [
          { key: 'programme', value: programme },
          { key: 'reporter', value: reporter },
          { key: 'keywords', value: words.join(' ') },
        ],
      };
      const originalName = `${source}-${i}.${technical.container}`;
      const search = searchText({ originalName, sourceNetwork: source, metadata, technical });
      rows.push({
        id: uuidv7(start + Math.floor(r.next() * span)),
        at: new Date(start + Math.floor(r.next() * span)).toISOString(),
        originalName,
        source,
        networks: networks.join(','),
        type: mediaTypeOf(technical),
        state: r.next() < 0.03 ? 'quarantined' : 'cleared',
        title: metadata.title,
        programme: programmeOf(metadata),
        metadata: JSON.stringify(metadata),
        technical: JSON.stringify(technical),
        search,
        pairs: paired(search),
      });
    }
    const column = (k: keyof SeedRow) => rows.map((row) => row[k]);
    await sql.query(
      `insert into rm_catalog (asset_id, original_name, source_network, networks, media_type, state, created_at,
                               cleared_at, title, programme, metadata, technical, search_text, search_pairs, version,
                               last_position)
       select id, name, src, string_to_array(nets, ','), type, state, at::timestamptz, at::timestamptz, title, prog,
              meta::jsonb, tech::jsonb, search, pairs, 8, 0
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
           as t(id, name, src, nets, type, state, at, title, prog, meta, tech, search, pairs)`,
      [
        'id',
        'originalName',
        'source',
        'networks',
        'type',
        'state',
        'at',
        'title',
        'programme',
        'metadata',
        'technical',
        'search',
        'pairs',
      ].map((k) => column(k as keyof SeedRow)),
    );
    await sql.query(
      `insert into rm_assets (asset_id, state, source_network, targets, original_name, size_bytes, sha256, verdicts,
                              technical, sidecar, created_at, updated_at, version, last_position)
       select id, state, src, '[]', name, 1048576, repeat('a', 64), $5::jsonb, tech::jsonb, null, at::timestamptz,
              at::timestamptz, 8, 0
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::text[], $7::text[])
           as t(id, state, src, name, tech, at)`,
      [
        column('id'),
        column('state'),
        column('source'),
        column('originalName'),
        JSON.stringify(VERDICTS),
        column('technical'),
        column('at'),
      ],
    );
  }
  await sql.query('create index rm_catalog_search_idx on rm_catalog using gin (search_text gin_trgm_ops)');
  await sql.query('create index rm_catalog_pairs_idx on rm_catalog using gin (search_pairs gin_trgm_ops)');
  await sql.query('analyze rm_catalog');
  await sql.query('analyze rm_assets');
  return ((Date.now() - started) / 1000).toFixed(1);
}
