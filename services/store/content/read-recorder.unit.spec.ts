import type { NewEvent } from '../../../events/envelope';
import { createReadRecorder } from './read-recorder';

const event = (id: string) => ({ id }) as unknown as NewEvent;

/** An event store whose appends end when the test says so. */
function slowStore() {
  const appends: Array<{ streamId: string; ids: string[]; end: (err?: Error) => void }> = [];
  return {
    appends,
    append: (streamId: string, events: NewEvent[]) =>
      new Promise((resolve, reject) => {
        appends.push({
          streamId,
          ids: events.map((e) => e.id),
          end: (err) => (err ? reject(err) : resolve({ nextVersion: 1, lastPosition: 1n, duplicate: false })),
        });
      }),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the read recorder', () => {
  it('given reads of one asset while its append is under way, then they go together in the next append', async () => {
    const store = slowStore();
    const recorder = createReadRecorder(store as never);
    const first = recorder.record('asset-a', event('1'));
    await tick();
    const later = [recorder.record('asset-a', event('2')), recorder.record('asset-a', event('3'))];
    await tick();
    expect(store.appends.map((a) => a.ids)).toEqual([['1']]);
    store.appends[0]!.end();
    await first;
    await tick();
    expect(store.appends.map((a) => a.ids)).toEqual([['1'], ['2', '3']]);
    store.appends[1]!.end();
    await Promise.all(later);
  });

  it('appends to different assets side by side', async () => {
    const store = slowStore();
    const recorder = createReadRecorder(store as never);
    void recorder.record('asset-a', event('1'));
    void recorder.record('asset-b', event('2'));
    await tick();
    expect(store.appends.map((a) => a.streamId)).toEqual(['asset-a', 'asset-b']);
  });

  it('given a failed append, then its readers are told and the next batch is still appended', async () => {
    const store = slowStore();
    const recorder = createReadRecorder(store as never);
    const failed = recorder.record('asset-a', event('1'));
    await tick();
    const next = recorder.record('asset-a', event('2'));
    store.appends[0]!.end(new Error('disk full'));
    await expect(failed).rejects.toThrow('disk full');
    await tick();
    expect(store.appends.map((a) => a.ids)).toEqual([['1'], ['2']]);
    store.appends[1]!.end();
    await expect(next).resolves.toBeUndefined();
  });

  it('given reads that one turn of the event loop brings, then they share an append even when appends end at once', async () => {
    const appended: string[][] = [];
    const recorder = createReadRecorder({
      append: async (_streamId: string, events: NewEvent[]) => {
        appended.push(events.map((e) => e.id));
        return { nextVersion: 1, lastPosition: 1n, duplicate: false };
      },
    } as never);
    await new Promise<void>((resolve) => {
      const asked: Array<Promise<void>> = [];
      setImmediate(() => asked.push(recorder.record('asset-a', event('1'))));
      setImmediate(() => {
        asked.push(recorder.record('asset-a', event('2')));
        void Promise.all(asked).then(() => resolve());
      });
    });
    expect(appended).toEqual([['1', '2']]);
  });
});
