import type { Logger } from 'pino';

export interface RoundScheduleOptions {
  /**
   * How long after one round ends the next begins. Audit rounds look for
   * replicas last verified `storage.audit.intervalHours` ago, eviction rounds
   * for nodes above their high watermark: a look a minute late changes nothing.
   * @default 60000
   */
  everyMs?: number;
}

/**
 * Runs a background round (the fixity audit's due replicas, the evictor's
 * full nodes) every `everyMs` after the previous round finished, so rounds
 * never overlap however long one takes at the audit's speed cap.
 */
export function createRoundSchedule(
  worker: { round(): Promise<unknown> },
  logger: Pick<Logger, 'warn'>,
  options: RoundScheduleOptions = {},
) {
  const everyMs = options.everyMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> | undefined;
  let running = false;

  function next(): void {
    if (!running) return;
    timer = setTimeout(() => {
      round = worker
        .round()
        .catch((err: unknown) => logger.warn({ err }, 'background round failed; trying again next round'))
        .finally(next);
    }, everyMs);
    timer.unref();
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      next();
    },
    async stop(): Promise<void> {
      running = false;
      if (timer) clearTimeout(timer);
      await round;
    },
  };
}
