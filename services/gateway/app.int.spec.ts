import { Type } from '@sinclair/typebox';
import { ConcurrencyError, UnavailableError } from '../../lib/errors';
import type { GatewayRoutes } from './deps';
import { commandMetadata } from './plugins/correlation';
import { startTestGateway, type TestGateway } from './testing/gateway-fixture';

const SECRET = 'password=hunter2 host=db.internal';

// A later issue's route plugin, as `options.routes` mounts it: under /v1, behind the guard.
const probeRoutes: GatewayRoutes = async (app) => {
  app.get('/probe/metadata', { config: { roles: ['operator', 'connector'] } }, async (request) =>
    commandMetadata(request, 'event-0192'),
  );
  app.get('/probe/crash', { config: { roles: ['admin'] } }, async () => {
    throw new Error(`connect failed: ${SECRET}`);
  });
  app.get('/probe/conflict', { config: { roles: ['admin'] } }, async () => {
    throw new ConcurrencyError('asset-1', '3', 4);
  });
  app.get('/probe/unavailable', { config: { roles: ['admin'] } }, async () => {
    throw new UnavailableError('the event store');
  });
  app.post(
    '/probe/things',
    {
      config: { roles: ['admin'] },
      schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false }) },
    },
    async () => ({ ok: true }),
  );
  app.get(
    '/probe/listing',
    {
      config: { roles: ['admin'] },
      schema: {
        querystring: Type.Object(
          { state: Type.Optional(Type.Union([Type.Literal('queued'), Type.Literal('running')])) },
          { additionalProperties: false },
        ),
      },
    },
    async () => ({ items: [] }),
  );
};

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway('postgres', { routes: [probeRoutes] });
});
afterAll(() => gw.dispose());

const logsOf = (correlationId: string) => gw.logs().filter((l) => l.correlationId === correlationId);

describe('correlation id', () => {
  test("the caller's id is echoed and stamped on every log line of the request", async () => {
    const res = await gw.request({
      url: '/v1/events',
      headers: { ...gw.as('auditor'), 'x-correlation-id': 'news:job-42.a_b' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-correlation-id']).toBe('news:job-42.a_b');
    const lines = logsOf('news:job-42.a_b').map((l) => l.msg);
    expect(lines).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
  });

  test.each([
    ['absent', undefined],
    ['too long', 'a'.repeat(101)],
    ['with characters that could forge log fields', 'x" injected="1'],
  ])('%s: a new UUIDv7 is generated and echoed', async (_case, given) => {
    const headers: Record<string, string> = given === undefined ? {} : { 'x-correlation-id': given };
    const res = await gw.request({ url: '/health/live', headers });
    expect(res.headers['x-correlation-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(logsOf(res.headers['x-correlation-id']!).length).toBeGreaterThan(0);
  });

  test('refused and unknown requests carry it too', async () => {
    for (const url of ['/v1/events', '/no/such/route']) {
      const res = await gw.request({ url, headers: { 'x-correlation-id': `c-${url.length}` } });
      expect(res.headers['x-correlation-id']).toBe(`c-${url.length}`);
      expect(res.json().error.correlationId).toBe(`c-${url.length}`);
    }
  });

  test('flows into the metadata of the commands a request issues, with the actor of the token', async () => {
    const headers = { ...gw.as('operator'), 'x-correlation-id': 'corr-7' };
    const body = (await gw.request({ url: '/v1/probe/metadata', headers })).json();
    expect(body).toEqual({
      correlationId: 'corr-7',
      causationId: 'event-0192',
      actor: 'user:test-operator',
      occurredAt: expect.any(String),
    });
    expect(Date.now() - Date.parse(body.occurredAt)).toBeLessThan(60_000);
    const connector = (await gw.request({ url: '/v1/probe/metadata', headers: gw.as('connector') })).json();
    expect(connector.actor).toBe('connector:news');
  });
});

describe('error handler', () => {
  test('an unexpected error: 500 with a generic body; the details stay in the log', async () => {
    const res = await gw.request({
      url: '/v1/probe/crash',
      headers: { ...gw.as('admin'), 'x-correlation-id': 'crash-1' },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: { code: 'MXHUB_ERR_INTERNAL', message: 'internal error', correlationId: 'crash-1' },
    });
    expect(res.body).not.toContain('hunter2');
    const logged = logsOf('crash-1').find((l) => l.level === 50) as { err: { message: string; stack: string } };
    expect(logged.err.message).toContain(SECRET);
    expect(logged.err.stack).toContain('app.int.spec');
  });

  test('a HubError keeps its status, code, message and details', async () => {
    const res = await gw.request({ url: '/v1/probe/conflict', headers: gw.as('admin') });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({
      code: 'MXHUB_ERR_CONCURRENCY',
      message: 'stream asset-1: expected version 3, but it is at 4',
      details: { streamId: 'asset-1', expected: '3', actual: 4 },
    });
  });

  test('a retryable 5xx HubError says when to retry', async () => {
    const res = await gw.request({ url: '/v1/probe/unavailable', headers: gw.as('admin') });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().error.code).toBe('MXHUB_ERR_UNAVAILABLE');
  });

  test.each([
    [{}, 'body field "name" is required'],
    [{ name: '' }, 'body field "name" must NOT have fewer than 1 characters'],
    [{ name: 'a', nmae: 'b' }, 'body field "nmae" is not accepted; accepted: name'],
  ])('a body that breaks the schema (%j): 400 naming the field', async (body, message) => {
    const res = await fetchJson('/v1/probe/things', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'MXHUB_ERR_VALIDATION', message });
  });

  test('a value outside a list of choices: 400 listing the accepted ones', async () => {
    const res = await gw.request({ url: '/v1/probe/listing?state=done', headers: gw.as('admin') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('query parameter "state" must be one of: queued, running');
  });

  test('a command without a body: 400 "a JSON body is required"', async () => {
    const res = await gw.request({ method: 'POST', url: '/v1/probe/things', headers: gw.as('admin') });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toBe('a JSON body is required');
  });

  test("fastify's own 4xx (malformed JSON) keeps its status in the same shape", async () => {
    const res = await fetchJson('/v1/probe/things', '{"name":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MXHUB_ERR_BAD_REQUEST');
  });

  test('an unknown route: 404 in the same shape', async () => {
    const res = await gw.request({ url: '/v2/anything?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'MXHUB_ERR_NOT_FOUND', message: 'no route GET /v2/anything' });
  });
});

test('the OpenAPI document states who may call each route', async () => {
  const doc = (await gw.request({ url: '/docs/json' })).json();
  expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
  const events = doc.paths['/v1/events'].get;
  expect(events.security).toEqual([{ bearerAuth: [] }]);
  expect(events.description).toContain('Roles: admin, auditor.');
  expect(Object.keys(events.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
  expect(events.parameters.map((p: { name: string }) => p.name)).toEqual([
    'stream',
    'category',
    'type',
    'actor',
    'from',
    'to',
    'after',
    'limit',
    'format',
  ]);
  expect(doc.paths['/v1/streams/{id}'].get.description).toContain('Roles: admin, auditor, operator, viewer.');
  expect(doc.paths['/health/ready'].get.security).toEqual([]);
});

async function fetchJson(
  url: string,
  body: unknown,
): Promise<{ status: number; body: { error: Record<string, unknown> } }> {
  const res = await gw.request({
    method: 'POST',
    url,
    headers: { ...gw.as('admin'), 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.statusCode, body: res.json() };
}

test('the docs UI and its static files are served (app.inject; @fastify/static loads under jest)', async () => {
  const page = await gw.app.inject({ method: 'GET', url: '/docs/' });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toContain('text/html');
  const json = await gw.app.inject({ method: 'GET', url: '/docs/json' });
  expect(json.json().paths['/v1/events']).toBeDefined();
});
