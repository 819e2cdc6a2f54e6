import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliverToDrop } from './ingest';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('deliverToDrop', () => {
  let dir: string;
  let card: string;
  let drop: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxhub-ingest-'));
    card = join(dir, 'card');
    drop = join(dir, 'net', 'drop', 'broadcast');
    await mkdir(card);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const onCard = async (name: string, content: string) => {
    await writeFile(join(card, name), content);
    return { path: join(card, name), sha256: sha(content) };
  };

  it('puts media and sidecar in the drop folder under their names, leaving no temporary file', async () => {
    const media = await onCard('clip.MXF', 'media');
    const sidecar = await onCard('clip.XML', '<sidecar/>');

    const delivered = await deliverToDrop(drop, media, sidecar);

    expect(delivered).toEqual({ media: join(drop, 'clip.MXF'), sidecar: join(drop, 'clip.XML') });
    expect((await readdir(drop)).sort()).toEqual(['clip.MXF', 'clip.XML']);
    expect(await readFile(join(drop, 'clip.MXF'), 'utf8')).toBe('media');
  });

  it('never overwrites: the pair takes the first suffix free for both names', async () => {
    await mkdir(drop, { recursive: true });
    await writeFile(join(drop, 'clip.mxf'), 'someone else');
    await writeFile(join(drop, 'clip-1.xml'), 'someone else');
    const media = await onCard('clip.mxf', 'media');
    const sidecar = await onCard('clip.xml', '<sidecar/>');

    const delivered = await deliverToDrop(drop, media, sidecar);

    expect(delivered).toEqual({ media: join(drop, 'clip-2.mxf'), sidecar: join(drop, 'clip-2.xml') });
    expect(await readFile(join(drop, 'clip.mxf'), 'utf8')).toBe('someone else');
    expect((await readdir(drop)).sort()).toEqual(['clip-1.xml', 'clip-2.mxf', 'clip-2.xml', 'clip.mxf']);
  });

  it('refuses a file that changed after it was screened, and leaves nothing behind', async () => {
    const media = await onCard('clip.mxf', 'media');
    await writeFile(media.path, 'swapped after the scan');

    await expect(deliverToDrop(drop, media)).rejects.toThrow(/changed after it was screened/);
    expect(await readdir(drop)).toEqual([]);
  });
});
