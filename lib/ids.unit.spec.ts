import { uuidFromName, uuidv7 } from './ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidv7', () => {
  it('gives distinct, well-formed ids that sort as they were made, across many refills of the random pool', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('puts the given time in the first 48 bits', () => {
    const at = Date.parse('2030-01-01T00:00:00Z');
    expect(parseInt(uuidv7(at).replace(/-/g, '').slice(0, 12), 16)).toBeGreaterThanOrEqual(at);
  });
});

describe('uuidFromName', () => {
  it('gives the same id for the same name and another for another name', () => {
    expect(uuidFromName('transfer:a:broadcast')).toBe(uuidFromName('transfer:a:broadcast'));
    expect(uuidFromName('transfer:a:broadcast')).not.toBe(uuidFromName('transfer:a:archive'));
  });
});
