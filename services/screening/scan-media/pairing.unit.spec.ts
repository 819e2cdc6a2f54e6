import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSidecar } from '../../../formats/sidecar/write';
import { pairUnits } from './pairing';
import { walkMedium } from './walk';

describe('pairUnits', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mxhub-pairing-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const put = async (rel: string, content: string) => {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), content);
  };
  const units = async () =>
    (await pairUnits((await walkMedium(root)).files)).map((u) => ({
      kind: u.kind,
      path: u.file.relPath,
      ...(u.kind === 'media' && u.sidecar ? { sidecar: u.sidecar.file.relPath, title: u.sidecar.sidecar.title } : {}),
      ...(u.kind === 'media' && u.brokenSidecar ? { broken: u.brokenSidecar.rule } : {}),
    }));
  const ours = writeSidecar({ title: 'Evening news', materialId: 'M-1', destinations: [], extra: [] });

  it('pairs a same-name mxhub sidecar with its media, whatever the case of the extension', async () => {
    await put('USB/clip.MXF', 'media');
    await put('USB/clip.xml', ours);

    expect(await units()).toEqual([
      { kind: 'media', path: 'USB/clip.MXF', sidecar: 'USB/clip.xml', title: 'Evening news' },
      { kind: 'sidecar', path: 'USB/clip.xml' },
    ]);
  });

  it("takes the card vendor's XML as card metadata, not as a sidecar", async () => {
    await put('CONTENTS/VIDEO/0001AB.MXF', 'media');
    await put(
      'CONTENTS/CLIP/0001AB.XML',
      '<?xml version="1.0"?><P2Main xmlns="urn:schemas-P2"><ClipContent/></P2Main>',
    );
    await put('Clip/C0001.MP4', 'media');
    await put('Clip/C0001M01.XML', '<NonRealTimeMeta/>');
    // Same base name in the same folder, but not ours: still card metadata, and the media goes alone.
    await put('Clip/C0002.MP4', 'media');
    await put('Clip/C0002.XML', '<NonRealTimeMeta/>');

    expect(await units()).toEqual([
      { kind: 'card-metadata', path: 'CONTENTS/CLIP/0001AB.XML' },
      { kind: 'media', path: 'CONTENTS/VIDEO/0001AB.MXF' },
      { kind: 'media', path: 'Clip/C0001.MP4' },
      { kind: 'card-metadata', path: 'Clip/C0001M01.XML' },
      { kind: 'media', path: 'Clip/C0002.MP4' },
      { kind: 'card-metadata', path: 'Clip/C0002.XML' },
    ]);
  });

  it('marks media whose sidecar claims our namespace but does not parse', async () => {
    await put('clip.mxf', 'media');
    await put('clip.xml', ours.replace('<title>Evening news</title>', ''));

    expect(await units()).toEqual([
      { kind: 'media', path: 'clip.mxf', broken: 'sidecar.missing-element' },
      { kind: 'sidecar', path: 'clip.xml' },
    ]);
  });

  it('screens a lone mxhub sidecar as a file of its own, as the hub would', async () => {
    await put('orphan.xml', ours);
    expect(await units()).toEqual([{ kind: 'media', path: 'orphan.xml' }]);
    expect((await stat(join(root, 'orphan.xml'))).size).toBeGreaterThan(0);
  });

  it('does not read an XML larger than a sidecar may be: card metadata', async () => {
    await put('clip.mxf', 'media');
    await put('clip.xml', `${ours}${' '.repeat(300 * 1024)}`);
    expect((await units()).find((u) => u.path === 'clip.xml')?.kind).toBe('card-metadata');
  });
});
