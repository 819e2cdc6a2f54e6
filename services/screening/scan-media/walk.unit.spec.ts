import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { walkMedium } from './walk';

describe('walkMedium', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mxhub-walk-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const put = async (rel: string, content = 'x') => {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), content);
  };

  it('lists the regular files of a P2 and an SxS tree, sorted, with sizes', async () => {
    await put('CONTENTS/VIDEO/0001AB.MXF', 'video');
    await put('CONTENTS/CLIP/0001AB.XML', '<P2Main/>');
    await put('Clip/C0001.MP4', 'mp4');
    await put('Clip/C0001M01.XML', '<NonRealTimeMeta/>');

    const walked = await walkMedium(root);

    expect(walked.files.map((f) => [f.relPath, f.size])).toEqual([
      ['CONTENTS/CLIP/0001AB.XML', 9],
      ['CONTENTS/VIDEO/0001AB.MXF', 5],
      ['Clip/C0001.MP4', 3],
      ['Clip/C0001M01.XML', 18],
    ]);
    expect(walked.skipped).toEqual([]);
  });

  it('skips dotfiles and dot-folders, and reports links without following them', async () => {
    await put('.Trashes/old.mxf');
    await put('._clip.mxf');
    await put('clip.mxf');
    const outside = await mkdtemp(join(tmpdir(), 'mxhub-walk-outside-'));
    await writeFile(join(outside, 'secret.mxf'), 'not on the card');
    await symlink(join(outside, 'secret.mxf'), join(root, 'link.mxf'));
    await symlink(outside, join(root, 'linked-folder'));

    const walked = await walkMedium(root);

    expect(walked.files.map((f) => f.relPath)).toEqual(['clip.mxf']);
    expect(walked.skipped.map((s) => [s.relPath, s.reason])).toEqual([
      ['.Trashes', 'dotfile'],
      ['._clip.mxf', 'dotfile'],
      ['link.mxf', 'symlink'],
      ['linked-folder', 'symlink'],
    ]);
    await rm(outside, { recursive: true, force: true });
  });

  it('reports FIFOs as special files and never opens them', async () => {
    execFileSync('mkfifo', [join(root, 'pipe.mxf')]);
    await put('clip.mxf');

    const walked = await walkMedium(root);

    expect(walked.files.map((f) => f.relPath)).toEqual(['clip.mxf']);
    expect(walked.skipped).toEqual([expect.objectContaining({ relPath: 'pipe.mxf', reason: 'special' })]);
  });

  it('stops at maxDepth and says so', async () => {
    await put('a/b/c/deep.mxf');
    await put('a/top.mxf');

    const walked = await walkMedium(root, { maxDepth: 2 });

    expect(walked.files.map((f) => f.relPath)).toEqual(['a/top.mxf']);
    expect(walked.skipped).toEqual([expect.objectContaining({ relPath: 'a/b', reason: 'too-deep' })]);
  });

  it('takes a single file as the medium, and names a missing path', async () => {
    await put('clip.mxf', 'abc');
    expect((await walkMedium(join(root, 'clip.mxf'))).files).toEqual([
      expect.objectContaining({ relPath: '.', size: 3 }),
    ]);
    await expect(walkMedium(join(root, 'nope'))).rejects.toThrow(/nope does not exist/);
  });
});
