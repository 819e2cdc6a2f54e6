import { ConfigError } from '../../../lib/errors';
import { planParts, validatePartOptions } from './clamd-parts';

describe('planParts', () => {
  it('scans a file that fits in one part whole, even an empty one', () => {
    expect(planParts(0, 100, 10)).toEqual([{ start: 0, end: 0 }]);
    expect(planParts(110, 100, 10)).toEqual([{ start: 0, end: 110 }]);
  });

  it('cuts larger files into parts that overlap by the given amount', () => {
    expect(planParts(250, 100, 10)).toEqual([
      { start: 0, end: 110 },
      { start: 100, end: 210 },
      { start: 200, end: 250 },
    ]);
    expect(planParts(111, 100, 10)).toEqual([
      { start: 0, end: 110 },
      { start: 100, end: 111 },
    ]);
  });

  it('covers every run of up to `overlap` bytes wholly inside one part, for any size', () => {
    for (const [size, partSize, overlap] of [
      [1000, 64, 16],
      [1001, 64, 0],
      [4097, 1000, 999],
      [5 * 2 ** 30, 2 ** 30, 2 ** 20],
    ] as const) {
      const parts = planParts(size, partSize, overlap);
      expect(parts[0]?.start).toBe(0);
      expect(parts.at(-1)?.end).toBe(size);
      for (const part of parts) expect(part.end - part.start).toBeLessThanOrEqual(partSize + overlap);
      for (const start of [0, partSize - 1, partSize, size - overlap - 1, Math.floor(size / 2)]) {
        const run = { start, end: Math.min(size, start + overlap) };
        expect(parts.some((p) => p.start <= run.start && run.end <= p.end)).toBe(true);
      }
    }
  });
});

describe('validatePartOptions', () => {
  it("keeps parts below clamd's 2 GiB object limit", () => {
    expect(() => validatePartOptions(2 ** 30, 2 ** 20)).not.toThrow();
    expect(() => validatePartOptions(2 ** 31, 0)).toThrow(ConfigError);
    expect(() => validatePartOptions(2 ** 31 - 10, 10)).toThrow(/2 GiB object limit/);
    expect(() => validatePartOptions(100, 100)).toThrow(/overlap/);
    expect(() => validatePartOptions(0, 0)).toThrow(/partSize/);
  });
});
