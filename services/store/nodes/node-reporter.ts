import type { Logger } from 'pino';
import { handleCommand } from '../../../events/handle-command';
import type { EventStore } from '../../../events/store/event-store';
import { uuidv7 } from '../../../lib/ids';
import { describeProblems, type NodeLayoutMonitor } from '../../../lib/node-layout';
import { nodeDecider } from './node-decider';

export interface NodeReporterDeps {
  store: EventStore;
  /** The layout monitor, run with the store's probe (`probeNode`): its changes are what is reported. */
  monitor: Pick<NodeLayoutMonitor, 'subscribe' | 'all'>;
  logger: Pick<Logger, 'warn'>;
  clock?: () => Date;
}

/** Attempts at one report before it gives way to the next change (another process appended meanwhile). */
const MAX_CONFLICTS = 5;

/**
 * Turns the monitor's changes into `NodeDown` / `NodeUp` on `node-<id>`.
 * Reports of one node run one after another, in the order the monitor saw
 * them; every hub process probes and reports, and the decider says a change
 * once however many do (a conflicting append is read again and decided again).
 */
export function createNodeReporter(deps: NodeReporterDeps) {
  const clock = deps.clock ?? (() => new Date());
  const chains = new Map<string, Promise<void>>();

  async function report(network: string, up: boolean, reason: string): Promise<void> {
    const command = up
      ? { type: 'RecordProbe' as const, network, up: true as const }
      : { type: 'RecordProbe' as const, network, up: false as const, reason };
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const now = clock();
      // Each outage is its own journey: a node's stream has no single correlation.
      const id = uuidv7(now.getTime());
      const result = await handleCommand(deps.store, `node-${network}`, nodeDecider, command, {
        actor: 'service:store',
        now: now.toISOString(),
        newId: () => uuidv7(clock().getTime()),
        correlationId: id,
        causationId: id,
      });
      if (!result.conflict) return;
    }
  }

  function enqueue(network: string, up: boolean, reason: string): Promise<void> {
    const next = (chains.get(network) ?? Promise.resolve())
      .then(() => report(network, up, reason))
      .catch((err: unknown) => deps.logger.warn({ err, network }, `node ${network}: its state could not be recorded`));
    chains.set(network, next);
    return next;
  }

  const unsubscribe = deps.monitor.subscribe(
    (id, result) => void enqueue(id, result.sound, describeProblems(result.problems).slice(0, 2000)),
  );

  return {
    /** Reports what the monitor knows of every node now (what it saw before this reporter subscribed). */
    async start(): Promise<void> {
      await Promise.all(
        Object.entries(deps.monitor.all()).map(([id, r]) => enqueue(id, r.sound, describeProblems(r.problems))),
      );
    },
    /** Resolves once every report under way is appended. */
    flush: async (): Promise<void> => {
      await Promise.all(chains.values());
    },
    async stop(): Promise<void> {
      unsubscribe();
      await Promise.all(chains.values());
    },
  };
}

export type NodeReporter = ReturnType<typeof createNodeReporter>;
