/*
 * Group commit of AssetRead events, written here: the event store's port
 * appends to one stream at a time, and what is needed is only "join the next
 * append of this stream", a few lines over a map of pending batches.
 */
import type { NewEvent } from '../../../events/envelope';
import type { EventStore } from '../../../events/store/event-store';

export interface ReadRecorder {
  /**
   * Appends `event` to `streamId` ('any' version: reads never conflict) and
   * resolves once it is stored. Events of one stream that arrive while an
   * append of that stream is under way go together in the next one, so many
   * readers of one asset (players seeking, download tools opening ranges)
   * cost a few appends, not one each. A failed append rejects every event of
   * its batch, and none of them is stored.
   */
  record(streamId: string, event: NewEvent): Promise<void>;
}

interface Batch {
  events: NewEvent[];
  done: Promise<void>;
}

export function createReadRecorder(store: Pick<EventStore, 'append'>): ReadRecorder {
  /** Per stream: the batch waiting for the append under way to end. */
  const waiting = new Map<string, Batch>();
  /** Per stream: the append under way. */
  const appending = new Map<string, Promise<void>>();

  function flush(streamId: string): Promise<void> {
    const batch = waiting.get(streamId)!;
    waiting.delete(streamId);
    const append = store.append(streamId, batch.events, 'any').then(() => undefined);
    appending.set(streamId, append);
    const settle = () => {
      if (appending.get(streamId) === append) appending.delete(streamId);
    };
    append.then(settle, settle);
    return append;
  }

  return {
    record(streamId, event) {
      const pending = waiting.get(streamId);
      if (pending) {
        pending.events.push(event);
        return pending.done;
      }
      const events = [event];
      const before = appending.get(streamId);
      const batch: Batch = { events, done: Promise.resolve() };
      waiting.set(streamId, batch);
      // The next append of the stream starts when the one under way ends, whatever became of it, and not before
      // the event loop has read the other requests that came in with this one: on PGlite an append ends before the
      // next socket is read, so without that turn no two reads would ever share an append.
      const turn = new Promise<void>((resolve) => setImmediate(resolve));
      batch.done = Promise.all([(before ?? Promise.resolve()).catch(() => undefined), turn]).then(() =>
        flush(streamId),
      );
      return batch.done;
    },
  };
}
