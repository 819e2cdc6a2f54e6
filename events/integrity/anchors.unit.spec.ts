import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../lib/errors';
import { anchorText, appendAnchor, newestAnchor, parseAnchors, readAnchors, type Anchor } from './anchors';

const dir = mkdtempSync(join(tmpdir(), 'mx-anchors-'));
let n = 0;
const fileName = () => join(dir, `anchors-${++n}.jsonl`);

const anchor = (seq: number): Anchor => ({
  seq: String(seq),
  position: String(seq * 1048576),
  eventCount: String(seq * 10),
  digest: seq.toString(16).padStart(64, 'a'),
  prevDigest: seq === 1 ? '' : (seq - 1).toString(16).padStart(64, 'a'),
  signature: Buffer.from(`sig-${seq}`).toString('base64'),
  keyId: '0123456789abcdef',
});

async function all(file: string): Promise<Anchor[]> {
  const out: Anchor[] = [];
  for await (const a of readAnchors(file)) out.push(a);
  return out;
}

describe('the anchors file', () => {
  test('appended anchors read back in order, one JSON line each', async () => {
    const file = fileName();
    for (const seq of [1, 2, 3]) await appendAnchor(file, anchor(seq));
    expect(readFileSync(file, 'utf8')).toBe([1, 2, 3].map((s) => `${anchorText(anchor(s))}\n`).join(''));
    expect(await all(file)).toEqual([anchor(1), anchor(2), anchor(3)]);
    expect(await newestAnchor(file)).toEqual(anchor(3));
    expect(parseAnchors(readFileSync(file, 'utf8'), 'sent')).toEqual([anchor(1), anchor(2), anchor(3)]);
  });

  test('no file or an empty one has no newest anchor', async () => {
    expect(await newestAnchor(join(dir, 'none.jsonl'))).toBeUndefined();
    const empty = fileName();
    writeFileSync(empty, '');
    expect(await newestAnchor(empty)).toBeUndefined();
  });

  test('a torn last line (a crash before the fsync returned) is skipped by readers and cut off when the export opens', async () => {
    const file = fileName();
    await appendAnchor(file, anchor(1));
    appendFileSync(file, anchorText(anchor(2)).slice(0, 40));
    expect(await all(file)).toEqual([anchor(1)]);
    expect(await newestAnchor(file)).toEqual(anchor(1));
    await appendAnchor(file, anchor(3));
    expect(await all(file)).toEqual([anchor(1), anchor(3)]);
  });

  test('newest reads only the tail of a long file', async () => {
    const file = fileName();
    writeFileSync(file, Array.from({ length: 2000 }, (_, i) => `${anchorText(anchor(i + 1))}\n`).join(''));
    expect(await newestAnchor(file)).toEqual(anchor(2000));
  });

  test('a line that is not a signed checkpoint is named by file and line', async () => {
    const file = fileName();
    await appendAnchor(file, anchor(1));
    appendFileSync(file, '{"seq":"2","position":"x"}\n');
    await expect(all(file)).rejects.toThrow(new RegExp(`${file}:2: "position" must be a string matching`));
    await expect(newestAnchor(file)).rejects.toBeInstanceOf(ValidationError);
    expect(() => parseAnchors('not json\n', 'the anchors sent')).toThrow(/the anchors sent:1 is not JSON/);
  });
});
