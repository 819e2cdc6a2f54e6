import { createPairer, type DropUnit } from './pairing';

describe('createPairer', () => {
  let units: DropUnit[];
  const pairer = () => createPairer({ waitMs: 1000, onUnit: (unit) => units.push(unit) });

  beforeEach(() => {
    units = [];
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('given media, when its sidecar comes inside the wait, then emits them as one unit at once', () => {
    const p = pairer();
    p.offer('broadcast', '/n/drop/broadcast/clip.mxf');
    jest.advanceTimersByTime(900);
    p.offer('broadcast', '/n/drop/broadcast/clip.xml');
    expect(units).toEqual([
      { target: 'broadcast', media: '/n/drop/broadcast/clip.mxf', sidecar: '/n/drop/broadcast/clip.xml' },
    ]);
  });

  it('given a sidecar first, when its media comes, then pairs them the same way', () => {
    const p = pairer();
    p.offer('broadcast', '/n/drop/broadcast/clip.XML');
    p.offer('broadcast', '/n/drop/broadcast/clip.wav');
    expect(units).toEqual([
      { target: 'broadcast', media: '/n/drop/broadcast/clip.wav', sidecar: '/n/drop/broadcast/clip.XML' },
    ]);
  });

  it('given media alone, when the wait ends, then emits it without a sidecar', () => {
    const p = pairer();
    p.offer('broadcast', '/n/drop/broadcast/clip.mxf');
    jest.advanceTimersByTime(999);
    expect(units).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(units).toEqual([{ target: 'broadcast', media: '/n/drop/broadcast/clip.mxf', sidecar: undefined }]);
  });

  it('given a sidecar alone, when the wait ends, then it becomes a unit of its own', () => {
    const p = pairer();
    p.offer('broadcast', '/n/drop/broadcast/notes.xml');
    jest.advanceTimersByTime(1000);
    expect(units).toEqual([{ target: 'broadcast', media: '/n/drop/broadcast/notes.xml', sidecar: undefined }]);
  });

  it('does not pair files of different names or different folders', () => {
    const p = pairer();
    p.offer('broadcast', '/n/drop/broadcast/a.mxf');
    p.offer('broadcast', '/n/drop/broadcast/b.xml');
    p.offer('archive', '/n/drop/archive/a.xml');
    expect(units).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(units.map((u) => u.sidecar)).toEqual([undefined, undefined, undefined]);
  });

  it('given media waiting, when a second media of the same name comes, then the first goes alone', () => {
    const p = pairer();
    p.offer('broadcast', '/n/drop/broadcast/clip.mxf');
    p.offer('broadcast', '/n/drop/broadcast/clip.wav');
    expect(units).toEqual([{ target: 'broadcast', media: '/n/drop/broadcast/clip.mxf', sidecar: undefined }]);
    p.offer('broadcast', '/n/drop/broadcast/clip.xml');
    expect(units[1]).toEqual({
      target: 'broadcast',
      media: '/n/drop/broadcast/clip.wav',
      sidecar: '/n/drop/broadcast/clip.xml',
    });
  });

  it('on stop, hands back the waiting files and emits nothing more', () => {
    const p = pairer();
    p.offer('broadcast', '/n/drop/broadcast/clip.mxf');
    expect(p.stop()).toEqual(['/n/drop/broadcast/clip.mxf']);
    jest.advanceTimersByTime(5000);
    expect(units).toEqual([]);
  });

  it('given media first seen 800 ms before it settled, when offered alone, then it waits only the rest of the wait', () => {
    const p = pairer();
    const seenAt = Date.now();
    jest.advanceTimersByTime(800);
    expect(p.offer('broadcast', '/n/drop/broadcast/clip.mxf', seenAt)).toBe(true);
    jest.advanceTimersByTime(199);
    expect(units).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(units).toEqual([{ target: 'broadcast', media: '/n/drop/broadcast/clip.mxf', sidecar: undefined }]);
  });

  it('given media first seen longer ago than the wait, when offered alone, then it leaves at once', () => {
    const p = pairer();
    const seenAt = Date.now();
    jest.advanceTimersByTime(2000);
    expect(p.offer('broadcast', '/n/drop/broadcast/clip.mxf', seenAt)).toBe(false);
    expect(units).toEqual([{ target: 'broadcast', media: '/n/drop/broadcast/clip.mxf', sidecar: undefined }]);
  });

  it('given a sidecar alone whose media is still being written, then it waits for the media however long', () => {
    let writing = true;
    const p = createPairer({ waitMs: 1000, onUnit: (unit) => units.push(unit), partnerSettling: () => writing });
    const seenAt = Date.now();
    jest.advanceTimersByTime(5000);
    expect(p.offer('broadcast', '/n/drop/broadcast/clip.xml', seenAt)).toBe(true);
    jest.advanceTimersByTime(60_000);
    expect(units).toEqual([]);
    writing = false;
    p.offer('broadcast', '/n/drop/broadcast/clip.mxf');
    expect(units).toEqual([
      { target: 'broadcast', media: '/n/drop/broadcast/clip.mxf', sidecar: '/n/drop/broadcast/clip.xml' },
    ]);
  });

  it('given a file alone whose partner vanished while settling, then it leaves at the next look', () => {
    let writing = true;
    const p = createPairer({ waitMs: 1000, onUnit: (unit) => units.push(unit), partnerSettling: () => writing });
    p.offer('broadcast', '/n/drop/broadcast/clip.xml');
    jest.advanceTimersByTime(3000);
    expect(units).toEqual([]);
    writing = false;
    jest.advanceTimersByTime(100);
    expect(units).toEqual([{ target: 'broadcast', media: '/n/drop/broadcast/clip.xml', sidecar: undefined }]);
  });
});
