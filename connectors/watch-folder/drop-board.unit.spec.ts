import { createDropBoard } from './drop-board';
import { createPairer } from './pairing';

const seen = (name: string, seenAt: string) => ({
  network: 'news',
  target: 'broadcast',
  name,
  path: `drop/broadcast/${name}`,
  sizeBytes: 10,
  seenAt,
});

describe('the drop board', () => {
  test('given a file seen, then it is detected and settling; once stable it waits for its sidecar until a time', () => {
    const board = createDropBoard();
    board.seen(seen('b.mxf', '2026-12-01T10:00:01.000Z'));
    board.seen(seen('a.mxf', '2026-12-01T10:00:00.000Z'));
    expect(board.list().map((d) => [d.name, d.state, d.waitingFor])).toEqual([
      ['a.mxf', 'detected', 'settling'],
      ['b.mxf', 'detected', 'settling'],
    ]);
    board.waitingForSidecar('news', 'drop/broadcast/a.mxf', '2026-12-01T10:00:07.000Z');
    expect(board.list()[0]).toMatchObject({
      waitingFor: 'sidecar',
      waitingForSidecarUntil: '2026-12-01T10:00:07.000Z',
    });
  });

  test('when removed (claimed, vanished), then off the board; a file not on it is not added by a wait', () => {
    const board = createDropBoard();
    board.seen(seen('a.mxf', '2026-12-01T10:00:00.000Z'));
    board.remove('news', 'drop/broadcast/a.mxf');
    board.waitingForSidecar('news', 'drop/broadcast/a.mxf', '2026-12-01T10:00:07.000Z');
    expect(board.list()).toEqual([]);
  });
});

describe('the pairer says whether an offered file waits', () => {
  test('media alone waits; its sidecar completes the pair and does not', () => {
    jest.useFakeTimers();
    try {
      const pairer = createPairer({ waitMs: 1000, onUnit: () => undefined });
      expect(pairer.offer('broadcast', '/n/drop/broadcast/clip.mxf')).toBe(true);
      expect(pairer.offer('broadcast', '/n/drop/broadcast/clip.xml')).toBe(false);
      pairer.stop();
    } finally {
      jest.useRealTimers();
    }
  });
});
