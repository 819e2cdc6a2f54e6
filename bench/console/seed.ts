// The console bench's catalog: tiny ffmpeg testsrc clips dropped under Chinese and English names into the
// three networks' drop folders, so screening, the catalog and the media service (proxy, poster) do the real
// work; then waits until every asset is cleared and its proxy answers.
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ZH = ['新闻联播', '民生新闻', '天气预报', '体育报道', '财经观察', '交通', '冰雪', '采访', '现场', '文化广场'];
const EN = ['evening-news', 'weather', 'sports', 'finance', 'traffic', 'interview', 'harbin', 'festival'];
/** Where drops go: [source network, target network]. */
const ROUTES: Array<[string, string]> = [
  ['news', 'broadcast'],
  ['news', 'archive'],
  ['broadcast', 'archive'],
  ['archive', 'news'],
];
/** What the load searches for: words the names hold, plus two that match nothing. */
export const SEARCH_TERMS = [...ZH, ...EN, '新闻', 'news', '不存在的词', 'nomatch'];

const ffmpeg = (args: string[]) =>
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'pipe' });

/** `count` distinct clips (one encode, then remuxes with a distinct comment, so each has its own SHA-256). */
export function makeClips(dir: string, count: number): string[] {
  const base = join(dir, 'base.mp4');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-t', '2'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', '500k', '-pix_fmt', 'yuv420p', '-an', base],
  ]);
  return Array.from({ length: count }, (_, i) => {
    const out = join(dir, `clip-${i}.mp4`);
    ffmpeg(['-i', base, '-c', 'copy', '-metadata', `comment=console bench ${i}`, out]);
    return out;
  });
}

/** A Chinese or English name, deterministic by index, unique by its number. */
export const nameOf = (i: number) =>
  i % 2 === 0 ? `${ZH[i % ZH.length]}-${ZH[(i >> 1) % ZH.length]}-${i}.mp4` : `${EN[i % EN.length]}-${i}.mp4`;

/** Drops every clip (written then renamed, as a careful sender does). */
export function dropAll(dataDir: string, clips: string[]): void {
  clips.forEach((clip, i) => {
    const [source, target] = ROUTES[i % ROUTES.length]!;
    const dir = join(dataDir, 'networks', source, 'drop', target);
    writeFileSync(join(dir, `.part-${i}`), readFileSync(clip));
    renameSync(join(dir, `.part-${i}`), join(dir, nameOf(i)));
  });
}

export interface SeededAsset {
  assetId: string;
  proxySize: number;
}

/** Polls the catalog until `count` assets are cleared and each one's proxy answers 206; returns them. */
export async function waitSeeded(url: string, token: string, count: number, timeoutMs: number): Promise<SeededAsset[]> {
  const auth = { authorization: `Bearer ${token}` };
  const deadline = Date.now() + timeoutMs;
  const ready = new Map<string, number>();
  let cleared: string[] = [];
  while (Date.now() < deadline) {
    cleared = [];
    let cursor: string | undefined;
    do {
      const res = await fetch(`${url}/v1/assets?limit=200${cursor ? `&cursor=${cursor}` : ''}`, { headers: auth });
      const page = (await res.json()) as { items: Array<{ assetId: string; state: string }>; next?: string | null };
      // A proxy exists only once cleared; the state moves on as transfers run (so it is not the test).
      cleared.push(...page.items.filter((a) => a.state !== 'quarantined').map((a) => a.assetId));
      cursor = page.next ?? undefined;
    } while (cursor);
    for (const id of cleared.filter((a) => !ready.has(a))) {
      const res = await fetch(`${url}/v1/assets/${id}/proxy`, { headers: { ...auth, range: 'bytes=0-0' } });
      await res.arrayBuffer();
      const total = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '');
      if (res.status === 206 && total) ready.set(id, Number(total[1]));
    }
    if (ready.size >= count) break;
    process.stdout.write(`\r  listed ${cleared.length}/${count}, proxies ${ready.size}/${count}   `);
    await sleep(2000);
  }
  process.stdout.write('\n');
  if (ready.size < count) throw new Error(`only ${ready.size} of ${count} assets had a proxy in ${timeoutMs} ms`);
  return [...ready].map(([assetId, proxySize]) => ({ assetId, proxySize }));
}
