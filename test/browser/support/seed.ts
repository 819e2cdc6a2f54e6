import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EICAR, sidecar } from './media';

/** The files every browser hub is given, by what the tests look for. */
export const SEED = {
  /** Searched for in Chinese; its proxy is played. */
  chinese: '新闻联播片段.mp4',
  chineseQuery: '新闻联播',
  /** Queued into the paused broadcast network, in this order. */
  queued: ['queue-a.mp4', 'queue-b.mp4', 'queue-c.mp4'],
  /** EICAR inside an MP4: quarantined by both engines. */
  tainted: 'tainted-eicar.mp4',
  /** A name and a sidecar title that would run script if any page put them in as HTML. */
  hostile: '<img src=x onerror=window.__xss=1>.mp4',
  hostileSidecar: '<img src=x onerror=window.__xss=1>.xml',
  hostileTitle: '<script>window.__xss=1</script>',
  /** A hostile name with EICAR inside: quarantined, so the desk and the dashboard show the name. */
  hostileTainted: '<svg onload=window.__xss=2>.mp4',
  /** Held only in the archive network: a viewer of news never sees it. */
  archiveOnly: 'archive-only-reel.mp4',
} as const;

/** Number of distinct clips seed() needs. */
export const CLIPS_NEEDED = 8;

const drop = (dataDir: string, network: string, target: string) => join(dataDir, 'networks', network, 'drop', target);

/**
 * Drops the seed files into a hub's drop folders: the Chinese clip first, so
 * its proxy is the first made; everything from news goes to broadcast, which
 * the setup paused, so those transfers stay queued.
 */
export function seed(dataDir: string, clips: Buffer[]): void {
  const [chinese, a, b, c, tainted, hostile, archive, hostileTainted] = clips as [Buffer, ...Buffer[]];
  const news = drop(dataDir, 'news', 'broadcast');
  writeFileSync(join(news, SEED.chinese), chinese);
  SEED.queued.forEach((name, i) => writeFileSync(join(news, name), [a, b, c][i]!));
  writeFileSync(join(news, SEED.tainted), Buffer.concat([tainted!, EICAR]));
  writeFileSync(join(news, SEED.hostileSidecar), sidecar(SEED.hostileTitle));
  writeFileSync(join(news, SEED.hostile), hostile!);
  writeFileSync(join(news, SEED.hostileTainted), Buffer.concat([hostileTainted!, EICAR]));
  writeFileSync(join(drop(dataDir, 'archive', 'broadcast'), SEED.archiveOnly), archive!);
}
