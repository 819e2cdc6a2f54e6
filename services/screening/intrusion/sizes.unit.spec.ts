import { checkSize } from './sizes';

describe('checkSize', () => {
  it('refuses a zero-byte file whatever the minimum', () => {
    expect(checkSize(0, { minBytes: 0 })).toEqual({
      ok: false,
      rule: 'size.zero',
      reason: 'the file is empty (0 bytes)',
    });
  });

  it('refuses files under the minimum and over the maximum', () => {
    expect(checkSize(10, { minBytes: 1024 })).toMatchObject({ ok: false, rule: 'size.zero' });
    expect(checkSize(2 ** 31, { maxBytes: 2 ** 30 })).toEqual({
      ok: false,
      rule: 'size.too-large',
      reason: 'the file is 2.0 GiB; at most 1.0 GiB are accepted',
    });
  });

  it('accepts sizes within the bounds', () => {
    expect(checkSize(1)).toEqual({ ok: true });
    expect(checkSize(2 ** 30, { maxBytes: 2 ** 30 })).toEqual({ ok: true });
  });
});
