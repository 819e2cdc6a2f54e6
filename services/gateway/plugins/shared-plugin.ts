import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify';

/**
 * Names a plugin and lets its hooks, decorators and handlers apply to the
 * instance that registers it instead of a child context: what
 * `fastify-plugin` does, through the two hidden properties fastify documents
 * (Reference/Plugins.md, Reference/Server.md). Route plugins stay
 * encapsulated; only cross-cutting plugins (correlation, metrics, errors,
 * auth) use this.
 */
export function sharedPlugin<Options extends FastifyPluginOptions>(
  name: string,
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options> {
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: name,
  });
}
