import type { Logger } from 'pino';
import type { Auditor } from './auditor';

export interface AuditScheduleOptions {
  /**
   * How often the due replicas are looked for. Due means last verified
   * `storage.audit.intervalHours` ago, so a look a minute late changes nothing.
   * @default 60000
   */
  everyMs?: number;
}

/**
 * Runs the auditor's round (due replicas of every node that is up) now and
 * then every `everyMs` after the previous round finished, so rounds never
 * overlap however long one takes at the audit's speed cap.
 */
export function createAuditSchedule(
  auditor: Pick<Auditor, 'round'>,
  logger: Pick<Logger, 'warn'>,
  options: AuditScheduleOptions = {},
) {
  const everyMs = options.everyMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<unknown> | undefined;
  let running = false;

  function next(): void {
    if (!running) return;
    timer = setTimeout(() => {
      round = auditor
        .round()
        .catch((err: unknown) => logger.warn({ err }, 'fixity audit round failed; trying again next round'))
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
