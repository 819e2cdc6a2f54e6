import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HubError } from '../../lib/errors';

/** A file opened for the response: its status (200 or 206), `@fastify/send`'s headers and the stream to send. */
export type OpenedFile = Awaited<ReturnType<typeof send>>;

/**
 * Opens `path` for a GET with HTTP Range support, as every route that serves
 * media bytes does (an asset's content, its browse renditions): 1 MiB reads,
 * no cache or validator headers of `@fastify/send`'s own (the caller sets the
 * ETag: the bytes' SHA-256). Undefined when the file is not there; a range
 * beyond the end is a 416 naming the range and `within` (what it is outside
 * of, e.g. "the asset's 1024 bytes"), with the `Content-Range` of the whole.
 */
export async function openForSending(
  request: FastifyRequest,
  reply: FastifyReply,
  path: string,
  within: string,
): Promise<OpenedFile | undefined> {
  const sent = await send(request.raw, path, {
    acceptRanges: true,
    cacheControl: false,
    dotfiles: 'allow',
    etag: false,
    lastModified: false,
    // Media files are large: 1 MiB reads take a tenth of the syscalls and socket writes of the 64 KiB default.
    highWaterMark: 1024 * 1024,
  });
  if (sent.statusCode === 404) return undefined;
  if (sent.statusCode === 416) {
    sent.stream.destroy();
    reply.header('content-range', sent.headers['Content-Range']);
    throw new HubError('MXHUB_ERR_RANGE', `range: ${request.headers.range} is not within ${within}`, 416, false, {
      field: 'range',
    });
  }
  return sent;
}
