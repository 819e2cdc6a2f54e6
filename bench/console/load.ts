// One request kind under autocannon: `connections` clients for `seconds`, each request's path chosen afresh
// (a rotating asset id, search term or byte range), so no response is the same cached one over and over.
import autocannon from 'autocannon';

export interface KindResult {
  kind: string;
  requests: number;
  rps: number;
  p50: number;
  p975: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface Kind {
  kind: string;
  /** The path of the n-th request (n counts across all connections). */
  path: (n: number) => string;
  /** Extra headers of the n-th request (a Range, say). */
  headers?: (n: number) => Record<string, string>;
}

export async function load(
  base: string,
  kind: Kind,
  opts: { connections: number; seconds: number; token?: string },
): Promise<KindResult> {
  let n = 0;
  const auth: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const result = await autocannon({
    url: base,
    connections: opts.connections,
    duration: opts.seconds,
    // No pace: each connection asks again the moment it is answered (capacity). People's pace is browse.ts.
    timeout: 30,
    requests: [
      {
        setupRequest: (req) => {
          const i = n++;
          return { ...req, method: 'GET', path: kind.path(i), headers: { ...auth, ...(kind.headers?.(i) ?? {}) } };
        },
      },
    ],
  });
  return {
    kind: kind.kind,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p975: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export function table(rows: KindResult[]): string {
  const head = `${'kind'.padEnd(22)} ${'req/s'.padStart(8)} ${'p50'.padStart(6)} ${'p97.5'.padStart(6)} ${'p99'.padStart(6)} ${'requests'.padStart(9)} errors non-2xx`;
  const lines = rows.map(
    (r) =>
      `${r.kind.padEnd(22)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(6)} ${String(r.p975).padStart(6)} ${String(r.p99).padStart(6)} ${String(r.requests).padStart(9)} ${String(r.errors).padStart(6)} ${String(r.non2xx).padStart(7)}`,
  );
  return [head + '   (latency in ms)', ...lines].join('\n');
}
