import { ValidationError } from '../../lib/errors';
import { renditionMismatches, type ProbedMedia } from './check';
import { houseProfile, houseProfileNames, isHouseProfileName, renditionName } from './profiles';

const valueAfter = (args: string[], option: string) => args[args.indexOf(option) + 1];

describe('house profiles', () => {
  it('name the two house formats', () => {
    expect(houseProfileNames).toEqual(['xdcam-hd422-mxf', 'h264-aac-mp4']);
    expect(isHouseProfileName('xdcam-hd422-mxf')).toBe(true);
    expect(isHouseProfileName('prores')).toBe(false);
  });

  it('refuse an unknown name, naming the known ones', () => {
    expect(() => houseProfile('prores-hq')).toThrow(ValidationError);
    expect(() => houseProfile('prores-hq')).toThrow(
      "unknown house profile 'prores-hq'; known: xdcam-hd422-mxf, h264-aac-mp4",
    );
  });

  it('make XDCAM HD422: MPEG-2 4:2:2 at a constant 50 Mbit/s, 25i, PCM 24-bit 48 kHz, MXF', () => {
    const p = houseProfile('xdcam-hd422-mxf');
    const args = p.outputArgs({ width: 1920, height: 1080 });
    expect(p.extension).toBe('.mxf');
    expect(valueAfter(args, '-c:v')).toBe('mpeg2video');
    expect(valueAfter(args, '-pix_fmt')).toBe('yuv422p');
    for (const rate of ['-b:v', '-minrate', '-maxrate']) expect(valueAfter(args, rate)).toBe('50M');
    expect(valueAfter(args, '-bufsize')).toBe('17825792');
    expect(valueAfter(args, '-g')).toBe('12');
    expect(valueAfter(args, '-r')).toBe('25');
    expect(valueAfter(args, '-c:a')).toBe('pcm_s24le');
    expect(valueAfter(args, '-ar')).toBe('48000');
    expect(valueAfter(args, '-f')).toBe('mxf');
  });

  it('keep a 1920x1080 raster and scale any other to it', () => {
    const p = houseProfile('xdcam-hd422-mxf');
    expect(p.outputArgs({ width: 1920, height: 1080 })).not.toContain('-vf');
    expect(valueAfter(p.outputArgs({ width: 1280, height: 720 }), '-vf')).toMatch(/^scale=1920:1080/);
    expect(valueAfter(p.outputArgs(), '-vf')).toMatch(/pad=1920:1080/);
  });

  it('make H.264 and AAC in an MP4 with its index first', () => {
    const p = houseProfile('h264-aac-mp4');
    const args = p.outputArgs();
    expect(p.extension).toBe('.mp4');
    expect(valueAfter(args, '-c:v')).toBe('libx264');
    expect(valueAfter(args, '-c:a')).toBe('aac');
    expect(valueAfter(args, '-movflags')).toBe('+faststart');
  });

  it('leave the input, output and -progress to the runner', () => {
    for (const name of houseProfileNames) {
      const args = houseProfile(name).outputArgs();
      for (const owned of ['-i', '-progress', '-y']) expect(args).not.toContain(owned);
    }
  });

  it('name the delivered file with the profile extension', () => {
    expect(renditionName('news 1.mp4', houseProfile('xdcam-hd422-mxf'))).toBe('news 1.mxf');
    expect(renditionName('noext', houseProfile('h264-aac-mp4'))).toBe('noext.mp4');
  });
});

describe('renditionMismatches', () => {
  const xdcam = houseProfile('xdcam-hd422-mxf').result;
  const good: ProbedMedia = {
    format: { format_name: 'mxf' },
    streams: [
      {
        codec_type: 'video',
        codec_name: 'mpeg2video',
        pix_fmt: 'yuv422p',
        width: 1920,
        height: 1080,
        r_frame_rate: '25/1',
      },
      { codec_type: 'audio', codec_name: 'pcm_s24le', sample_rate: '48000' },
    ],
  };

  it('finds nothing in a file that is what the profile makes', () => {
    expect(renditionMismatches(xdcam, good)).toEqual([]);
  });

  it('names each difference', () => {
    const bad: ProbedMedia = {
      format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2' },
      streams: [
        {
          codec_type: 'video',
          codec_name: 'h264',
          pix_fmt: 'yuv420p',
          width: 1280,
          height: 720,
          r_frame_rate: '30000/1001',
        },
        { codec_type: 'audio', codec_name: 'aac', sample_rate: '44100' },
      ],
    };
    expect(renditionMismatches(xdcam, bad)).toEqual([
      'format mov,mp4,m4a,3gp,3g2,mj2, expected mxf',
      'video codec h264, expected mpeg2video',
      'pixel format yuv420p, expected yuv422p',
      'raster 1280x720, expected 1920x1080',
      'frame rate 30000/1001, expected 25',
      'audio codec aac, expected pcm_s24le',
      'sample rate 44100, expected 48000',
    ]);
    expect(renditionMismatches(houseProfile('h264-aac-mp4').result, { ...bad, streams: [] })).toEqual([]);
  });
});
