import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/**
 * The browser-facing headers on every answer, through @fastify/helmet:
 * `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, no
 * framing, and a Content-Security-Policy that runs only the console's own
 * script files: no inline script, no `eval`, no other origin. Styles may be
 * inline because the component library writes its theme as `<style>` at run
 * time (CSS-in-JS); a style cannot run code. `upgrade-insecure-requests` is
 * left out: a hub on plain http (a station's closed network) would send the
 * browser to an https port that does not exist.
 */
export const securityHeaders = fp(
  async (app) => {
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
      // The hub serves its own media to its own pages; the default
      // `require-corp` embedder policy would block nothing useful and
      // complicates proxies a station puts in front.
      crossOriginEmbedderPolicy: false,
    });
  },
  { name: 'mxhub-security-headers', fastify: '5.x' },
);
