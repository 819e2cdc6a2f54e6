import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ConsoleOptions {
  /** The built console (`console/dist`: index.html and `assets/`). */
  root: string;
}

/**
 * The console's pages: the client-side routes the console knows. Each answers
 * index.html and the console's router draws the page; any other path keeps
 * the gateway's JSON 404, so a typo in an API URL never gets an HTML page.
 */
export const CONSOLE_PAGES = [
  '/',
  '/login',
  '/transfers',
  '/catalog',
  '/catalog/*',
  '/quarantine',
  '/audit',
  '/admin',
  '/admin/*',
] as const;

/**
 * Serves the built console at `/`, outside the auth guard: its files are the
 * same for everybody and hold no data; the data comes from `/v1` with the
 * user's session. Hashed files under `assets/` are cached for good; the pages
 * are revalidated so a new build shows at the next load.
 */
export async function consolePages(app: FastifyInstance, { root }: ConsoleOptions): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) {
    const why = `the console is not built (${root}/index.html is missing): run node console/build.js`;
    app.log.warn(why);
    for (const url of CONSOLE_PAGES) {
      app.get(url, { schema: { hide: true } }, async (_request, reply) =>
        reply.code(503).type('text/plain; charset=utf-8').send(why),
      );
    }
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per file of the build, found now: no catch-all route that
    // would answer an unknown URL with a file lookup.
    wildcard: false,
    index: false,
    setHeaders(res, path) {
      res.header(
        'cache-control',
        path.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  for (const url of CONSOLE_PAGES) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.header('cache-control', 'no-cache').sendFile('index.html'),
    );
  }
}
