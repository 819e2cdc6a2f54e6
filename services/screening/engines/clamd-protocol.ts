// Part of the hand-written clamd client: why it is not a library is said at the top of clamd.ts.
import net from 'node:net';

/** Where clamd listens: loopback TCP or a unix socket. */
export type ClamdAddress = { host: string; port: number } | { socketPath: string };

export function describeAddress(address: ClamdAddress): string {
  return 'socketPath' in address ? `unix:${address.socketPath}` : `${address.host}:${address.port}`;
}

interface Session {
  socket: net.Socket;
  /** Resolves with clamd's NUL-terminated reply; rejects on error, timeout or close. */
  reply: Promise<string>;
  /** True once the reply promise has settled either way: stop sending. */
  settled(): boolean;
  /** Changes how long the socket may stay silent. */
  setTimeout(ms: number): void;
}

function openSession(address: ClamdAddress, timeoutMs: number, signal?: AbortSignal): Session {
  const socket =
    'socketPath' in address
      ? net.createConnection({ path: address.socketPath })
      : net.createConnection({ host: address.host, port: address.port });
  let silence = timeoutMs;
  socket.setTimeout(silence);
  let done = false;
  const reply = new Promise<string>((resolve, reject) => {
    const received: Buffer[] = [];
    const settle = (error: Error | null, text?: string) => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(text ?? '');
    };
    const onAbort = () => settle(new Error('scan aborted'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (data: Buffer) => {
      received.push(data);
      const all = Buffer.concat(received);
      const end = all.indexOf(0);
      if (end >= 0) settle(null, all.subarray(0, end).toString('utf8').trim());
    });
    socket.on('end', () => {
      const text = Buffer.concat(received).toString('utf8').trim();
      settle(text ? null : new Error('clamd closed the connection without a reply'), text);
    });
    socket.on('timeout', () => settle(new Error(`no answer from clamd within ${silence} ms`)));
    // After clamd answered early (e.g. size limit) our pending writes fail
    // with EPIPE/ECONNRESET; `done` makes those harmless.
    socket.on('error', (error) => settle(error));
    socket.on('close', () => settle(new Error('clamd closed the connection')));
  });
  // Callers may stop awaiting `reply` after a failed write; keep the
  // rejection handled so it cannot crash the process.
  reply.catch(() => undefined);
  return {
    socket,
    reply,
    settled: () => done,
    setTimeout(ms) {
      silence = ms;
      socket.setTimeout(ms);
    },
  };
}

/** Sends `z<COMMAND>\0` and returns clamd's reply (`PONG`, `ClamAV 1.4.6/...`). */
export async function clamdCommand(
  address: ClamdAddress,
  command: 'PING' | 'VERSION',
  timeoutMs: number,
): Promise<string> {
  const session = openSession(address, timeoutMs);
  session.socket.write(`z${command}\0`);
  return session.reply;
}

export interface InstreamOptions {
  /** Connect and no-progress timeout while sending. */
  idleTimeoutMs: number;
  /** How long clamd may take to answer after the last byte. */
  verdictTimeoutMs: number;
  signal?: AbortSignal;
}

export interface InstreamResult {
  reply: string;
  /** Payload bytes handed to the socket before clamd answered. */
  bytesSent: number;
}

/**
 * INSTREAM: `zINSTREAM\0`, then each chunk framed by its 4-byte big-endian
 * length, then a zero-length frame. clamd may answer before the end (size
 * limit exceeded); sending stops as soon as it does.
 */
export async function clamdInstream(
  address: ClamdAddress,
  chunks: AsyncIterable<Buffer>,
  options: InstreamOptions,
): Promise<InstreamResult> {
  const session = openSession(address, options.idleTimeoutMs, options.signal);
  const { socket } = session;
  let bytesSent = 0;
  // Backpressure: wait for the socket to drain, or for clamd to end the
  // exchange, before reading more of the file.
  const writeFrame = async (payload: Buffer) => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(payload.length);
    const flushed = socket.write(header) && (payload.length === 0 || socket.write(payload));
    if (!flushed && !session.settled()) {
      await new Promise<void>((resolve) => {
        socket.once('drain', () => resolve());
        session.reply.then(
          () => resolve(),
          () => resolve(),
        );
      });
    }
  };
  socket.write('zINSTREAM\0');
  try {
    for await (const chunk of chunks) {
      if (session.settled()) break;
      await writeFrame(chunk);
      bytesSent += chunk.length;
    }
    if (!session.settled()) {
      await writeFrame(Buffer.alloc(0));
      session.setTimeout(options.verdictTimeoutMs);
    }
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return { reply: await session.reply, bytesSent };
}
