import { createProgressParser, type FfmpegProgress } from './progress';

const block = (outTimeUs: number, speed: string, progress = 'continue') =>
  `frame=10\nfps=25.0\nout_time_us=${outTimeUs}\nout_time=00:00:01.000000\nspeed=${speed}\nprogress=${progress}\n`;

describe('ffmpeg -progress parser', () => {
  test('one report per block, with the fraction of the duration and the speed', () => {
    const seen: FfmpegProgress[] = [];
    const feed = createProgressParser((p) => seen.push(p), 4);
    feed(block(1_000_000, '2.5x') + block(2_000_000, '3x'));
    expect(seen).toEqual([
      { outTimeSeconds: 1, fraction: 0.25, speed: 2.5 },
      { outTimeSeconds: 2, fraction: 0.5, speed: 3 },
    ]);
  });

  test('lines split across chunks are joined; progress=end is the whole', () => {
    const seen: FfmpegProgress[] = [];
    const feed = createProgressParser((p) => seen.push(p), 10);
    const text = block(3_000_000, 'N/A', 'end');
    feed(text.slice(0, 17));
    feed(text.slice(17, 40));
    expect(seen).toEqual([]);
    feed(text.slice(40));
    expect(seen).toEqual([{ outTimeSeconds: 3, fraction: 1 }]);
  });

  test('no duration: no fraction; N/A time falls back to out_time, then 0', () => {
    const seen: FfmpegProgress[] = [];
    const feed = createProgressParser((p) => seen.push(p));
    feed('out_time_us=N/A\nout_time=00:01:02.500000\nprogress=continue\n');
    feed('out_time_us=N/A\nout_time=N/A\nprogress=continue\n');
    expect(seen).toEqual([{ outTimeSeconds: 62.5 }, { outTimeSeconds: 0 }]);
  });
});
