import { useQuery, type QueryKey } from '@tanstack/react-query';
import { getCsrfToken } from './csrf';

/** The hub's error body (`{error: {code, message}}`) as an exception. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One /v1 call: the session cookie authenticates; non-GET requests carry the CSRF token of the session. */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  init?: { ifMatch?: string | number },
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = getCsrfToken();
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['x-csrf-token'] = csrf;
  if (init?.ifMatch !== undefined) headers['if-match'] = String(init.ifMatch);
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 401 && path !== '/v1/session' && location.pathname !== '/login') {
    location.assign('/login');
  }
  if (!res.ok) {
    let code = String(res.status);
    let message = res.statusText;
    try {
      // The hub answers {error: {code, message, correlationId}}; fastify's own errors are flat.
      const body = (await res.json()) as { error?: { code?: string; message?: string } | string } & {
        code?: string;
        message?: string;
      };
      const err = typeof body.error === 'object' ? body.error : body;
      code = err.code ?? code;
      message = err.message ?? message;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, code, message);
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** A GET as a TanStack query; the live stream invalidates keys rather than polling. */
export function useApiQuery<T>(key: QueryKey, path: string, enabled = true) {
  return useQuery<T, ApiError>({ queryKey: key, queryFn: () => api<T>('GET', path), enabled });
}
