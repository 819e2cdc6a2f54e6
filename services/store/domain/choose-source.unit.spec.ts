import { chooseSource, replicaToRead, unmeasuredLinks, type Candidate, type LinkStats } from './choose-source';

const replica = (network: string, kind = 'delivered', state = 'ok'): Candidate => ({
  network,
  kind,
  state,
  path: `/nodes/${network}/x.mxf`,
});
const MB = 1_000_000;

/** Links from a table of bytes per second into broadcast; a node listed in `down` is down. */
function links(speeds: Record<string, number>, queued: Record<string, number> = {}, down: string[] = []): LinkStats {
  return {
    bytesPerSecond: (from) => speeds[from],
    queuedBytes: (n) => queued[n] ?? 0,
    isUp: (n) => !down.includes(n),
  };
}

describe('choice of source: least expected time to the target', () => {
  const news = replica('news', 'origin');
  const archive = replica('archive');

  test('given a throttled link from archive, the fetch to broadcast picks news', () => {
    const choice = chooseSource([archive, news], 'broadcast', 100 * MB, links({ archive: 1 * MB, news: 50 * MB }));
    expect(choice).toEqual({ replica: news, expectedSeconds: 2 });
  });

  test("a source's queued bytes count: a fast link behind a long queue loses to a free slower one", () => {
    const choice = chooseSource(
      [archive, news],
      'broadcast',
      10 * MB,
      links({ archive: 10 * MB, news: 50 * MB }, { news: 990 * MB }),
    );
    expect(choice?.replica).toBe(archive);
    expect(choice?.expectedSeconds).toBe(1);
  });

  test('a node that is down and a replica not ok are never chosen', () => {
    const speeds = links({ archive: 1 * MB, news: 50 * MB }, {}, ['news']);
    expect(chooseSource([archive, news], 'broadcast', MB, speeds)?.replica).toBe(archive);
    const corrupt = replica('archive', 'delivered', 'corrupt');
    expect(chooseSource([corrupt, news], 'broadcast', MB, speeds)).toBeUndefined();
    expect(chooseSource([], 'broadcast', MB, unmeasuredLinks)).toBeUndefined();
  });

  test('nothing measured: the origin copy, then by network name, the same answer every time', () => {
    expect(chooseSource([archive, news], 'broadcast', MB, unmeasuredLinks)).toEqual({
      replica: news,
      expectedSeconds: 0,
    });
    const weather = replica('weather');
    expect(chooseSource([weather, archive], 'broadcast', MB, unmeasuredLinks)?.replica).toBe(archive);
  });

  test('a reader is served from its own node when it holds a good copy, else from the best other', () => {
    const own = replica('broadcast', 'cached');
    const speeds = links({ archive: 1 * MB, news: 50 * MB });
    expect(replicaToRead([news, own, archive], 'broadcast', MB, speeds)).toBe(own);
    expect(replicaToRead([news, replica('broadcast', 'cached', 'missing'), archive], 'broadcast', MB, speeds)).toBe(
      news,
    );
  });
});
