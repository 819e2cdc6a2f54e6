/**
 * One stack of closes for a composition root. Whatever opens a resource (a
 * database, a broker client, an engine, a server) registers its close right
 * after it is open, so:
 *
 * - a start-up that fails at any step closes exactly what was opened before
 *   that step (`guard`), and nothing that was not;
 * - stop unwinds in reverse order of opening by construction: what was opened
 *   last, and may use what came before it, is closed first.
 *
 * Closes run one at a time, each once. A close that fails does not keep the
 * ones below it open: the stack goes on, reports each failure to `onError`,
 * and `close()` rejects with the first one once all have run.
 */
export interface CleanupStack {
  /** Registers the close of something just opened, under a name for logs and errors. */
  defer(name: string, close: () => unknown): void;
  /**
   * Runs `step` (a part of the start-up). If it throws, closes everything on
   * the stack (what `step` registered and everything before it) and rethrows
   * the step's error; a close that also fails is reported to `onError`.
   */
  guard<T>(step: () => Promise<T>): Promise<T>;
  /** Closes everything registered, newest first. Calls made while closing share the same run. */
  close(): Promise<void>;
  /** Names of the closes still registered, oldest first. */
  pending(): string[];
}

export interface CleanupStackOptions {
  /** Hears each close as it completes (e.g. a debug log line). @default none */
  onClosed?: (name: string) => void;
  /** Hears each close that failed; the stack goes on with the next one. @default none */
  onError?: (name: string, err: unknown) => void;
}

export function createCleanupStack(options: CleanupStackOptions = {}): CleanupStack {
  const entries: Array<{ name: string; close: () => unknown }> = [];
  let closing: Promise<void> | undefined;

  async function unwind(): Promise<void> {
    let first: { err: unknown } | undefined;
    for (let entry = entries.pop(); entry; entry = entries.pop()) {
      try {
        await entry.close();
        options.onClosed?.(entry.name);
      } catch (err) {
        options.onError?.(entry.name, err);
        first ??= { err };
      }
    }
    if (first) throw first.err;
  }

  const stack: CleanupStack = {
    defer(name, close) {
      entries.push({ name, close });
    },
    async guard(step) {
      try {
        return await step();
      } catch (err) {
        // The step's error is the one worth reporting; close failures went to onError.
        await stack.close().catch(() => undefined);
        throw err;
      }
    },
    close() {
      closing ??= unwind().finally(() => (closing = undefined));
      return closing;
    },
    pending: () => entries.map((e) => e.name),
  };
  return stack;
}
