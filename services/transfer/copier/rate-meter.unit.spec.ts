import { createRateMeter } from './rate-meter';

describe('rate meter: bytes per second over a sliding window', () => {
  it('is 0 until two samples span some time', () => {
    const meter = createRateMeter();
    expect(meter.rate()).toBe(0);
    meter.add(1000, 0);
    expect(meter.rate()).toBe(0);
    meter.add(1000, 500);
    expect(meter.rate()).toBe(0);
  });

  it('forgets a fast start: after the window only the recent rate counts', () => {
    const meter = createRateMeter({ windowMs: 5000 });
    meter.add(0, 0);
    meter.add(100, 17_000_000); // a burst: 170 MB/s for 0.1 s
    for (let t = 1100; t <= 20_100; t += 1000) meter.add(t, 17_000_000 + ((t - 100) / 1000) * 500_000);
    expect(meter.rate()).toBeCloseTo(500_000, -3);
  });

  it('smooths within the window: one slow second does not halve the figure', () => {
    const meter = createRateMeter({ windowMs: 5000 });
    let bytes = 0;
    for (let t = 0; t <= 5000; t += 1000) meter.add(t, (bytes += t === 0 ? 0 : 1_000_000));
    meter.add(6000, bytes + 500_000);
    expect(meter.rate()).toBeGreaterThan(850_000);
    expect(meter.rate()).toBeLessThan(1_000_000);
  });

  it('refuses a window that is not positive', () => {
    expect(() => createRateMeter({ windowMs: 0 })).toThrow(/windowMs must be positive/);
  });
});
