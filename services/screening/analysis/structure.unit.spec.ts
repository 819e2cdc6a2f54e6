import { bufferSource } from '../intrusion/byte-source';
import { png } from '../testing/corpus';
import { detectFormat } from './detect-format';
import { isoBox, isoFile, jpegFile, mxfFile, mxfPartition, wavFile } from './samples';
import { checkStructure } from './structure';

const ruleOf = async (content: Buffer) => {
  const result = await checkStructure(bufferSource(content), detectFormat(content), content);
  return result.ok ? 'ok' : result.rule;
};
const cut = (content: Buffer, bytes: number) => content.subarray(0, content.length - bytes);
const withTail = (content: Buffer, tail: Buffer) => Buffer.concat([content, tail]);

describe('checkStructure', () => {
  it.each([
    ['mp4', isoFile('isom')],
    ['mov', isoFile('qt  ')],
    ['mxf', mxfFile()],
    ['wav', wavFile()],
    ['png', png()],
    ['jpeg', jpegFile()],
  ])('accepts a well-formed %s', async (_, content) => {
    expect(await ruleOf(content)).toBe('ok');
  });

  describe('MP4 and QuickTime', () => {
    it('refuses a file without moov', async () => {
      expect(await ruleOf(isoFile('isom', false))).toBe('analysis.mp4-no-moov');
    });
    it('refuses a file cut inside a box', async () => {
      expect(await ruleOf(cut(isoFile(), 100))).toBe('analysis.truncated');
      expect(await ruleOf(withTail(isoFile(), Buffer.from([0, 0, 1])))).toBe('analysis.truncated');
    });
    it('refuses a box smaller than its own header', async () => {
      const bad = Buffer.from(isoBox('free'));
      bad.writeUInt32BE(4, 0);
      expect(await ruleOf(withTail(isoFile(), bad))).toBe('analysis.malformed');
    });
    it('accepts a last box that extends to the end of the file (size 0)', async () => {
      const open = Buffer.from(isoBox('mdat', Buffer.alloc(32)));
      open.writeUInt32BE(0, 0);
      expect(await ruleOf(withTail(isoFile(), open))).toBe('ok');
    });
  });

  describe('MXF', () => {
    it('locates the footer relative to the header partition after a run-in', async () => {
      expect(await ruleOf(Buffer.concat([Buffer.alloc(1000, 0x20), mxfFile()]))).toBe('ok');
    });
    it('refuses a body partition where the footer should be', async () => {
      const content = mxfFile();
      content[620 + 13] = 0x03;
      expect(await ruleOf(content)).toBe('analysis.mxf-partition');
    });
    it('refuses a file cut before its footer partition', async () => {
      expect(await ruleOf(cut(mxfFile(), 200))).toBe('analysis.mxf-partition');
    });
    it('refuses a footer offset that points at essence', async () => {
      const content = Buffer.concat([mxfPartition(0x02, 0, 300), Buffer.alloc(600, 1)]);
      expect(await ruleOf(content)).toBe('analysis.mxf-partition');
    });
    it('refuses an open header with no random index pack, accepts one with it', async () => {
      const open = Buffer.concat([mxfPartition(0x02, 0, 0), Buffer.alloc(64, 1)]);
      expect(await ruleOf(open)).toBe('analysis.mxf-partition');
      const rip = Buffer.alloc(16 + 1 + 12 + 4);
      Buffer.from('060e2b34020501010d01020101110100', 'hex').copy(rip);
      rip[16] = 16;
      rip.writeUInt32BE(rip.length, rip.length - 4);
      expect(await ruleOf(withTail(open, rip))).toBe('ok');
    });
  });

  describe('WAV', () => {
    it('refuses a RIFF size that disagrees with the file', async () => {
      expect(await ruleOf(cut(wavFile(), 10))).toBe('analysis.wav-chunk-size');
      expect(await ruleOf(withTail(wavFile(), Buffer.alloc(10)))).toBe('analysis.wav-chunk-size');
    });
    it('refuses a chunk that runs past the RIFF end', async () => {
      const content = Buffer.from(wavFile());
      content.writeUInt32LE(content.length, content.indexOf('data', 0, 'latin1') + 4);
      expect(await ruleOf(content)).toBe('analysis.wav-chunk-size');
    });
  });

  describe('PNG and JPEG', () => {
    it('refuses bytes after IEND', async () => {
      expect(await ruleOf(withTail(png(), Buffer.from('appended')))).toBe('analysis.trailing-data');
    });
    it('refuses a PNG cut before IEND', async () => {
      expect(await ruleOf(cut(png(), 12))).toBe('analysis.truncated');
    });
    it('refuses bytes after the JPEG end marker, even when they end in FF D9 themselves', async () => {
      expect(await ruleOf(withTail(jpegFile(), Buffer.from('appended')))).toBe('analysis.trailing-data');
      expect(await ruleOf(withTail(jpegFile(), jpegFile()))).toBe('analysis.trailing-data');
    });
    it('refuses a JPEG cut before its end marker', async () => {
      expect(await ruleOf(cut(jpegFile(), 2))).toBe('analysis.truncated');
    });
  });
});
