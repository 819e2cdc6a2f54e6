import { copyRate, EWMA_ALPHA, nextEwma } from './ewma';

describe('link throughput EWMA', () => {
  test('the first sample is the figure; each later one moves it by EWMA_ALPHA of the difference', () => {
    expect(nextEwma(undefined, 100)).toBe(100);
    expect(nextEwma(100, 20)).toBeCloseTo(100 + EWMA_ALPHA * (20 - 100));
  });

  test('a link throttled for good: after three samples an eighth of the old figure is left', () => {
    let figure = nextEwma(undefined, 800);
    for (let i = 0; i < 3; i++) figure = nextEwma(figure, 0);
    expect(figure).toBeCloseTo(800 / 8);
  });

  test('a copy is bytes over milliseconds; nothing copied or no measurable time is no sample', () => {
    expect(copyRate(1_000_000, 500)).toBe(2_000_000);
    expect(copyRate(0, 500)).toBeUndefined();
    expect(copyRate(1000, 0)).toBeUndefined();
  });
});
