import { png } from '../testing/corpus';
import { checkFormatMatchesName, detectFormat } from './detect-format';
import { isoFile, jpegFile, mxfFile, wavFile } from './samples';

describe('detectFormat', () => {
  it.each([
    ['mxf', mxfFile()],
    ['mxf', Buffer.concat([Buffer.alloc(1000, 0x20), mxfFile()])],
    ['mp4', isoFile('isom')],
    ['mp4', Buffer.concat([isoFile('isom'), mxfFile()])],
    ['mov', isoFile('qt  ')],
    ['mov', Buffer.concat([Buffer.from([0, 0, 0, 8]), Buffer.from('wide', 'latin1'), Buffer.alloc(16)])],
    ['wav', wavFile()],
    ['png', png()],
    ['jpeg', jpegFile()],
    ['unknown', Buffer.from('plain text that is no media at all')],
    ['unknown', Buffer.alloc(0)],
  ])('finds %s from the content', (format, content) => {
    expect(detectFormat(content)).toBe(format);
  });
});

describe('checkFormatMatchesName', () => {
  it.each([
    ['mxf', 'clip.MXF'],
    ['mp4', 'clip.mp4'],
    ['mp4', 'clip.m4v'],
    ['mov', 'clip.mov'],
    ['wav', 'voice.wav'],
    ['png', 'still.png'],
    ['jpeg', 'still.jpg'],
    ['jpeg', 'still.jpeg'],
  ] as const)('accepts %s content named %s', (format, name) => {
    expect(checkFormatMatchesName(format, name)).toEqual({ ok: true });
  });

  it('refuses a WAV named .mov, naming both formats', () => {
    const result = checkFormatMatchesName('wav', 'interview.mov');
    expect(result).toEqual({
      ok: false,
      rule: 'analysis.format-mismatch',
      reason: 'the content is wav but the extension .mov promises mov',
    });
  });

  it('refuses unrecognised content and extensions the hub does not analyse', () => {
    expect(checkFormatMatchesName('unknown', 'clip.mxf')).toMatchObject({ ok: false, rule: 'analysis.unknown-format' });
    expect(checkFormatMatchesName('png', 'payload.exe')).toMatchObject({ ok: false, rule: 'analysis.unknown-format' });
  });
});
