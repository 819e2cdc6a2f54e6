import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunFile {
  pid: number;
  url: string;
}

const fileOf = (dataDir: string) => join(dataDir, 'hub.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The hub running on `dataDir`, if any: it owns the embedded database, so other commands go through its API. */
export function runningHub(dataDir: string): RunFile | undefined {
  const file = fileOf(dataDir);
  if (!existsSync(file)) return undefined;
  try {
    const run = JSON.parse(readFileSync(file, 'utf8')) as RunFile;
    return alive(run.pid) && run.pid !== process.pid ? run : undefined;
  } catch {
    return undefined;
  }
}

export function writeRunFile(dataDir: string, run: RunFile): void {
  writeFileSync(fileOf(dataDir), JSON.stringify(run), { mode: 0o600 });
}

export function removeRunFile(dataDir: string): void {
  rmSync(fileOf(dataDir), { force: true });
}
