import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createIntrusionFilter } from './intrusion-filter';
import { eicar, elfExecutable, mp4Head, peExecutable, zip } from '../testing/corpus';

describe('createIntrusionFilter', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'mxhub-intrusion-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // The claimed file lives under a hub-chosen name; the original name is data.
  const screen = async (originalName: string, content: Buffer, options = {}) => {
    const claimed = path.join(dir, `claimed-${Math.random().toString(36).slice(2)}`);
    await writeFile(claimed, content);
    return createIntrusionFilter(options).check({ originalName, path: claimed });
  };

  it('clears an ordinary media file', async () => {
    expect(await screen('clip.mp4', mp4Head())).toEqual({ ok: true });
  });

  it.each([
    ['a right-to-left override in the name', 'clip\u202Evom.exe', mp4Head(), 'name.bidi-override'],
    ['a double extension', 'clip.mxf.exe', mp4Head(), 'name.double-extension'],
    ['a zero-byte file', 'empty.mxf', Buffer.alloc(0), 'size.zero'],
    ['an ELF renamed as media', 'clip.mxf', elfExecutable(), 'content.executable'],
    ['a PE renamed as media', 'clip.mov', peExecutable(), 'content.executable'],
    ['an archive bomb', 'rushes.zip', zip([{ name: 'zeros', data: Buffer.alloc(32 * 2 ** 20) }]), 'archive.ratio'],
    ['a gzip bomb named as media', 'clip.mxf', zlib.gzipSync(Buffer.alloc(32 * 2 ** 20)), 'archive.ratio'],
  ])('refuses %s', async (_what, name, content, rule) => {
    expect(await screen(name, content)).toMatchObject({ ok: false, rule });
  });

  it('checks the name first, then size, content and archive', async () => {
    expect(await screen('clip.mxf.exe', Buffer.alloc(0))).toMatchObject({ rule: 'name.double-extension' });
    expect(await screen('clip.mxf', Buffer.alloc(0))).toMatchObject({ rule: 'size.zero' });
  });

  it('applies the configured limits', async () => {
    expect(await screen('clip.mp4', mp4Head(), { sizes: { maxBytes: 16 } })).toMatchObject({ rule: 'size.too-large' });
    const nested = zip([{ name: 'in.zip', data: zip([{ name: 'a.txt', data: Buffer.from('a') }]) }]);
    expect(await screen('pack.zip', nested, { archives: { maxDepth: 1 } })).toMatchObject({ rule: 'archive.depth' });
  });

  it('leaves virus detection to the engines: EICAR is not an intrusion-filter rule', async () => {
    expect(await screen('eicar.mxf', eicar())).toEqual({ ok: true });
  });

  it('rejects when the file cannot be read', async () => {
    await expect(
      createIntrusionFilter().check({ originalName: 'a.mxf', path: path.join(dir, 'missing') }),
    ).rejects.toThrow(/ENOENT/);
  });
});
