import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { inspectArchive, type ArchiveLimits } from './archive';
import { bufferSource } from './byte-source';
import { elfExecutable, mp4Head, tar, zip } from '../testing/corpus';

const inspect = async (content: Buffer, limits: ArchiveLimits = {}) => inspectArchive(bufferSource(content), limits);
const ruleOf = async (content: Buffer, limits: ArchiveLimits = {}) => {
  const result = await inspect(content, limits);
  return result.ok ? 'ok' : result.rule;
};
const MiB = 2 ** 20;

describe('inspectArchive: zip', () => {
  it('passes an ordinary zip of media', async () => {
    const media = Buffer.concat([mp4Head(), randomBytes(64 * 1024)]);
    expect(
      await ruleOf(
        zip([
          { name: 'clips/a.mp4', data: media },
          { name: 'clips/', method: 'store' },
        ]),
      ),
    ).toBe('ok');
  });

  it('refuses a bomb from its declared sizes alone, before inflating anything', async () => {
    const bomb = zip([{ name: 'zeros.bin', data: Buffer.alloc(1024), declaredSize: 4_000_000_000 }]);
    const result = await inspect(bomb);
    expect(result).toMatchObject({ ok: false, rule: 'archive.ratio' });
    expect(result.ok || result.reason).toMatch(/member 1 of the zip archive expands \d+ times/);
  });

  it('refuses a real bomb whose declared sizes are honest', async () => {
    expect(await ruleOf(zip([{ name: 'zeros.bin', data: Buffer.alloc(50 * MiB) }]))).toBe('archive.ratio');
  });

  it('catches a member that inflates beyond the size it declares', async () => {
    const liar = zip([{ name: 'small.txt', data: Buffer.alloc(4 * MiB), declaredSize: 1000 }]);
    const result = await inspect(liar);
    expect(result).toMatchObject({ ok: false, rule: 'archive.ratio' });
    expect(result.ok || result.reason).toContain('beyond the size it declares');
  });

  it('counts members against the limit from the end record', async () => {
    const many = zip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') })));
    expect(await ruleOf(many, { maxEntries: 19 })).toBe('archive.entries');
    expect(await ruleOf(many, { maxEntries: 20 })).toBe('ok');
  });

  it('limits the total unpacked size', async () => {
    const big = zip([{ name: 'a.bin', data: randomBytes(2 * MiB), method: 'store' }]);
    expect(await ruleOf(big, { maxTotalSize: MiB })).toBe('archive.total-size');
  });

  it('refuses encrypted members, unreadable archives and names leaving the target', async () => {
    expect(await ruleOf(zip([{ name: 'secret.mxf', data: Buffer.from('x'), encrypted: true }]))).toBe(
      'archive.encrypted',
    );
    expect(await ruleOf(zip([{ name: '../../etc/cron.d/job', data: Buffer.from('x') }]))).toBe(
      'archive.path-traversal',
    );
    expect(await ruleOf(zip([{ name: 'a.txt', data: Buffer.from('hello') }]).subarray(0, 40))).toBe(
      'archive.malformed',
    );
  });

  it('inspects nested archives up to the depth limit', async () => {
    const inner = zip([{ name: 'a.txt', data: Buffer.from('hello') }]);
    const twoLevels = zip([{ name: 'inner.zip', data: inner }]);
    const threeLevels = zip([{ name: 'middle.zip', data: twoLevels, method: 'store' }]);
    expect(await ruleOf(twoLevels)).toBe('ok');
    expect(await ruleOf(threeLevels)).toBe('archive.depth');
    expect(await ruleOf(threeLevels, { maxDepth: 3 })).toBe('ok');
  });

  it('shares the limits across nesting levels', async () => {
    const inner = zip(Array.from({ length: 6 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })));
    const outer = zip([
      { name: 'inner.zip', data: inner },
      { name: 'b.txt', data: Buffer.from('y') },
    ]);
    expect(await ruleOf(outer, { maxEntries: 7 })).toBe('archive.entries');
  });

  it('refuses executables among the members, found by content', async () => {
    const result = await inspect(zip([{ name: 'holiday.mp4', data: elfExecutable() }]));
    expect(result).toEqual({
      ok: false,
      rule: 'content.executable',
      reason: 'member 1 of the zip archive is an executable (ELF)',
    });
  });

  it('refuses archive formats it cannot inspect without extracting', async () => {
    const sevenZip = Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), Buffer.alloc(64)]);
    expect(await ruleOf(sevenZip)).toBe('archive.unsupported');
  });
});

describe('inspectArchive: tar and gzip', () => {
  it('walks tar headers: members, sizes, nested archives and executables', async () => {
    const plain = tar([
      { name: 'a.txt', data: Buffer.from('hello') },
      { name: 'b.mp4', data: mp4Head() },
    ]);
    expect(await ruleOf(plain)).toBe('ok');
    expect(await ruleOf(plain, { maxEntries: 1 })).toBe('archive.entries');
    expect(await ruleOf(tar([{ name: 'x.mxf', data: elfExecutable() }]))).toBe('content.executable');
    expect(await ruleOf(tar([{ name: '../x', data: Buffer.from('x') }]))).toBe('archive.path-traversal');
    const nested = tar([
      { name: 'in.zip', data: zip([{ name: 'in.zip', data: zip([{ name: 'a', data: Buffer.from('a') }]) }]) },
    ]);
    expect(await ruleOf(nested)).toBe('archive.depth');
  });

  it('refuses a tar whose header checksum is wrong', async () => {
    const broken = tar([{ name: 'a.txt', data: Buffer.from('hello') }]);
    broken[0] = 0x62;
    expect(await ruleOf(broken)).toBe('archive.malformed');
  });

  it('stops inflating a gzip bomb at its budget', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * MiB));
    expect(bomb.length).toBeLessThan(MiB);
    expect(await ruleOf(bomb)).toBe('archive.ratio');
    expect(await ruleOf(zlib.gzipSync(randomBytes(2 * MiB)), { maxTotalSize: MiB })).toBe('archive.total-size');
  });

  it('inspects the tar inside a tar.gz at the same level', async () => {
    const tgz = (data: Buffer) => zlib.gzipSync(tar([{ name: 'clip.mxf', data }]));
    expect(await ruleOf(tgz(randomBytes(4096)))).toBe('ok');
    expect(await ruleOf(tgz(elfExecutable()))).toBe('content.executable');
    expect(await ruleOf(zlib.gzipSync(Buffer.from('plain text')))).toBe('ok');
    expect(await ruleOf(Buffer.concat([zlib.gzipSync(Buffer.from('x')).subarray(0, 12)]))).toBe('archive.malformed');
  });

  it('lets files that are not archives through', async () => {
    expect(await ruleOf(mp4Head())).toBe('ok');
    expect(await ruleOf(Buffer.alloc(0))).toBe('ok');
  });
});
