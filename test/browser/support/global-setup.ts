import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserHub, type HubInfo, type Profile, type RunningHub } from './hub';
import { makeClips } from './media';
import { CLIPS_NEEDED, seed } from './seed';

const ROOT = join(__dirname, '..', '..', '..');

/** Where the workers find their hubs: JSON of Record<Profile, HubInfo>. */
export const HUBS_ENV = 'MXHUB_BROWSER_HUBS';

/**
 * Builds the console and the hub, then starts one hub per profile at once and
 * drops the seed files into both, so screening, transfers and proxies run
 * while the first tests log in. The returned function stops both hubs.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // MXHUB_BROWSER_NO_BUILD=1 reruns against the console built last time (console/dist).
  if (process.env.MXHUB_BROWSER_NO_BUILD !== '1') {
    execFileSync(process.execPath, [join(ROOT, 'console', 'build.js')], { cwd: ROOT, stdio: 'inherit' });
  }
  // Built once here: two hubs starting at once would each rebuild a stale bundle.
  execFileSync(process.execPath, [join(ROOT, 'bin', 'build.js')], { cwd: ROOT, stdio: 'inherit' });
  const mediaDir = mkdtempSync(join(tmpdir(), 'mxhub-browser-media-'));
  const clips = makeClips(mediaDir, CLIPS_NEEDED);
  const profiles: Profile[] = ['embedded', 'production'];
  const started = await Promise.allSettled(profiles.map((p) => startBrowserHub(p)));
  const hubs = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stopAll = async () => {
    await Promise.all(hubs.map((h) => h.stop()));
    rmSync(mediaDir, { recursive: true, force: true });
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  const info = {} as Record<Profile, HubInfo>;
  for (const h of hubs as RunningHub[]) {
    seed(h.info.dataDir, clips);
    info[h.info.profile] = h.info;
  }
  process.env[HUBS_ENV] = JSON.stringify(info);
  return stopAll;
}
