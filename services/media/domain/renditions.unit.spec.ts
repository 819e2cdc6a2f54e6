import type { ProbeResult } from '../../../lib/ffmpeg';
import { classByName, classify, filmstripLayout, planRenditions } from './renditions';

const probe = (format: string, ...streams: Array<Partial<ProbeResult['streams'][number]>>): ProbeResult => ({
  format: { filename: 'f', format_name: format },
  streams: streams.map((s, index) => ({ index, ...s })),
});

describe('rendition planning', () => {
  test('classify: image demuxers are stills, moving pictures video, sound alone audio, else not media', () => {
    expect(classify(probe('png_pipe', { codec_type: 'video', codec_name: 'png' }))).toBe('still');
    expect(classify(probe('image2', { codec_type: 'video', codec_name: 'mjpeg' }))).toBe('still');
    expect(classify(probe('mov,mp4,m4a,3gp,3g2,mj2', { codec_type: 'video' }, { codec_type: 'audio' }))).toBe('video');
    const cover = { codec_type: 'video' as const, disposition: { attached_pic: 1 } };
    expect(classify(probe('mp3', { codec_type: 'audio' }, cover))).toBe('audio');
    expect(classify(probe('tty'))).toBeUndefined();
    expect(classByName('CLIP.MXF')).toBe('video');
    expect(classByName('a.zip')).toBeUndefined();
  });

  test('video: a faststart H.264/AAC proxy within 640x360, a poster 10% in, a filmstrip', () => {
    const plans = planRenditions('/s/clip.mp4', 'video', 20, { filmstripIntervalSeconds: 5 });
    expect(plans.map((p) => [p.kind, p.file, p.mediaType])).toEqual([
      ['proxy', 'proxy.mp4', 'video/mp4'],
      ['poster', 'poster.jpg', 'image/jpeg'],
      ['filmstrip', 'filmstrip.jpg', 'image/jpeg'],
    ]);
    const [proxy, poster, strip] = plans.map((p) => p.args.join(' '));
    expect(proxy).toContain('-c:v libx264');
    expect(proxy).toContain('-c:a aac');
    expect(proxy).toContain('-movflags +faststart');
    expect(proxy).toContain('min(640,iw)');
    expect(poster).toMatch(/^-ss 2\.000 -i \/s\/clip\.mp4/);
    expect(strip).toContain('fps=1/5.000,scale=160:-2,tile=4x1');
    // The layout goes into ProxyCreated, so a player cuts the image as it was tiled.
    expect(plans[2]!.tiles).toEqual({ count: 4, columns: 4, rows: 1, intervalSeconds: 5 });
    expect(plans.slice(0, 2).map((p) => p.tiles)).toEqual([undefined, undefined]);
  });

  test('audio gets an AAC proxy and a waveform; a still a thumbnail', () => {
    expect(planRenditions('/s/a.wav', 'audio', 3).map((p) => [p.kind, p.mediaType])).toEqual([
      ['proxy', 'audio/mp4'],
      ['waveform', 'image/png'],
    ]);
    expect(planRenditions('/s/a.png', 'still', 0).map((p) => p.kind)).toEqual(['thumbnail']);
  });

  test('a long source spreads at most 100 thumbnails over it', () => {
    expect(filmstripLayout(3600, 10)).toEqual({ count: 100, interval: 36, columns: 10, rows: 10 });
    expect(filmstripLayout(0, 10)).toEqual({ count: 1, interval: 10, columns: 1, rows: 1 });
  });
});
