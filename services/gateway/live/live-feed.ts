import type { Logger } from 'pino';
import type { EventStore, Subscription } from '../../../events/store/event-store';
import type { Principal } from '../auth';
import type { AssetNetworks } from '../rights';
import { liveEvent, maySee, seesProgress, type LiveEvent } from './visibility';

/** One connected client of the live stream. */
export interface LiveClient {
  principal: Principal;
  send(event: 'hub-event' | 'progress', data: unknown): void;
  /** Ends the client's response (the gateway is closing). */
  end(): void;
}

/** The running copies' progress by transfer id (what `GET /v1/transfers` shows beside each running one). */
export type LiveProgress = () => Promise<Record<string, unknown>>;

export interface LiveFeedOptions {
  /** How often running copies' progress is pushed. @default 1000 */
  progressIntervalMs?: number;
}

/**
 * The fan-out behind `GET /v1/stream`: ONE catch-up subscription on the
 * store and one progress timer for the whole gateway, however many consoles
 * are open, started with the first client and stopped with the last. Each
 * event goes to the clients that may see it; a scoped viewer's check reads
 * the asset's networks once per event, not once per client.
 */
export function createLiveFeed(
  deps: {
    store: Pick<EventStore, 'subscribe' | 'headPosition'>;
    assetNetworks: AssetNetworks;
    progress?: LiveProgress;
    /** Waits until the read models hold the event at a position (see GatewayOptions.readModelsAt). */
    readModelsAt?: (position: bigint) => Promise<void>;
    logger: Logger;
  },
  options: LiveFeedOptions = {},
) {
  const clients = new Set<LiveClient>();
  let subscription: Promise<Subscription> | undefined;
  let timer: NodeJS.Timeout | undefined;

  async function deliver(e: LiveEvent): Promise<void> {
    let networks: readonly string[] | undefined;
    let looked = false;
    for (const client of clients) {
      const scoped = client.principal.role === 'viewer' && client.principal.rights.networks !== undefined;
      if (scoped && e.assetId && !looked) {
        networks = await deps.assetNetworks(e.assetId);
        looked = true;
      }
      if (maySee(client.principal, e, networks)) client.send('hub-event', e);
    }
  }

  async function pushProgress(): Promise<void> {
    const watching = [...clients].filter((c) => seesProgress(c.principal));
    if (!deps.progress || watching.length === 0) return;
    const transfers = await deps.progress();
    if (Object.keys(transfers).length === 0) return;
    for (const c of watching) c.send('progress', { transfers });
  }

  function start(): void {
    // From the head: the stream tells what happens from now on; a console
    // reads the state it starts from through the API.
    subscription = deps.store.headPosition().then((head) =>
      deps.store.subscribe(
        async (e) => {
          // A late read model (the wait timed out) still gets the event told: a refresh then is better than none.
          await deps
            .readModelsAt?.(e.position)
            .catch((err: unknown) =>
              deps.logger.warn({ err, position: e.position.toString() }, 'live stream: read models late'),
            );
          await deliver(liveEvent(e));
        },
        {
          after: head,
          onError: (err) => deps.logger.warn({ err }, 'live stream subscription failed; retrying'),
        },
      ),
    );
    subscription.catch((err) => deps.logger.error({ err }, 'live stream could not start'));
    timer = setInterval(() => {
      pushProgress().catch((err) => deps.logger.warn({ err }, 'live progress read failed'));
    }, options.progressIntervalMs ?? 1000);
    timer.unref();
  }

  async function stop(): Promise<void> {
    if (timer) clearInterval(timer);
    timer = undefined;
    const sub = subscription;
    subscription = undefined;
    if (sub) await (await sub.catch(() => undefined))?.stop();
  }

  return {
    /** Adds a client; the returned function removes it (the last one out stops the subscription). */
    join(client: LiveClient): () => Promise<void> {
      clients.add(client);
      if (clients.size === 1 && !subscription) start();
      return async () => {
        clients.delete(client);
        if (clients.size === 0) await stop();
      };
    },
    clients: () => clients.size,
    /** Ends every client's stream (so the server can close) and stops the subscription. */
    async close(): Promise<void> {
      for (const c of clients) c.end();
      clients.clear();
      await stop();
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
