/*
 * Server-Sent Events written by hand: the framing is three lines of text per
 * message (`event:`, `data:`, blank line), and owning the socket lets the
 * handler leave the feed the moment the browser goes away. What matters here
 * is the fan-out and the rights filter (../live).
 */
import { Type } from '@sinclair/typebox';
import type { GatewayRoutes } from '../deps';
import type { LiveFeed } from '../live/live-feed';
import { READERS } from '../schemas';

const HEARTBEAT_MS = 15_000;

/** `GET /v1/stream`: what happens in the hub as it happens, filtered by the caller's rights. */
export function createLiveRoutes(feed: LiveFeed): GatewayRoutes {
  return async (app) => {
    app.get(
      '/stream',
      {
        config: { roles: READERS },
        // A HEAD would open a stream that never ends and carries no body.
        exposeHeadRoute: false,
        schema: {
          tags: ['events'],
          summary: 'Live stream (Server-Sent Events) of committed events and transfer progress',
          description:
            '`event: hub-event` for each committed event the caller may see (position, stream, type, occurredAt, ' +
            'actor, assetId, transferId; never the data), `event: progress` about once a second while copies run ' +
            '(transfer id → progress), a comment line every 15 s. Viewers get asset events only, within their scope.',
          response: { 200: Type.String({ description: 'text/event-stream' }) },
        },
      },
      async (request, reply) => {
        const principal = request.principal!;
        const raw = reply.raw;
        reply.hijack();
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          // Proxies (nginx) must not buffer the stream.
          'x-accel-buffering': 'no',
          'x-content-type-options': 'nosniff',
        });
        raw.write('retry: 3000\n\n');
        const leave = feed.join({
          principal,
          send(event, data) {
            raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
          },
          end: () => raw.end(),
        });
        const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
        heartbeat.unref();
        request.raw.once('close', () => {
          clearInterval(heartbeat);
          void leave();
        });
      },
    );
  };
}
