/**
 * A sleep that another party can cut short: loops that poll wait on it and a
 * NOTIFY (or stop) wakes every sleeper at once. A wake with nobody asleep is
 * kept for the next sleep, so a notification that arrives while the loop is
 * busy reading is not lost until the next poll.
 */
export function createWaker() {
  const sleepers = new Set<() => void>();
  let pending = false;
  return {
    sleep(ms: number): Promise<void> {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          sleepers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        sleepers.add(done);
      });
    },
    wake(): void {
      if (sleepers.size === 0) pending = true;
      for (const done of [...sleepers]) done();
    },
  };
}
