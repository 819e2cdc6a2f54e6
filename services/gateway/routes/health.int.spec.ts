import { startTestGateway, type TestGateway } from '../testing/gateway-fixture';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway('postgres');
});
afterAll(() => gw.dispose());

test('live: 200 while the process serves, whatever the dependencies say', async () => {
  gw.setReadiness({ ready: false, checks: { store: { ok: false } } });
  const res = await gw.request({ url: '/health/live' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ live: true });
});

test('ready: 200 with the checks when every dependency is usable', async () => {
  const readiness = { ready: true, checks: { store: { ok: true, detail: 'postgres' }, relay: { ok: true } } };
  gw.setReadiness(readiness);
  const res = await gw.request({ url: '/health/ready' });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual(readiness);
});

test('not ready: 503 with the checks, so the failing dependency is named', async () => {
  const readiness = {
    ready: false,
    checks: { store: { ok: true }, relay: { ok: false, detail: 'broker unreachable' } },
  };
  gw.setReadiness(readiness);
  const res = await gw.request({ url: '/health/ready' });
  expect(res.statusCode).toBe(503);
  expect(res.json()).toEqual(readiness);
});

test('a readiness source that throws: 503, the error in the log and not in the answer', async () => {
  gw.setReadiness(new Error('pool exhausted at db.internal'));
  const res = await gw.request({ url: '/health/ready', headers: { 'x-correlation-id': 'ready-throws' } });
  expect(res.statusCode).toBe(503);
  expect(res.json()).toEqual({
    ready: false,
    checks: { health: { ok: false, detail: 'readiness check failed; see the log' } },
  });
  const logged = gw.logs().find((l) => l.correlationId === 'ready-throws' && l.level === 50) as {
    err: { message: string };
  };
  expect(logged.err.message).toBe('pool exhausted at db.internal');
});

test('metrics: the registry in Prometheus text format, with request durations by route template', async () => {
  await gw.request({ url: '/v1/events', headers: gw.as('admin') });
  await gw.request({ url: '/v1/streams/asset-unknown', headers: gw.as('admin') });
  await gw.request({ url: '/no/such/route' });
  const res = await gw.request({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe(gw.deps.metrics.contentType);
  expect(res.body).toContain('# TYPE mxhub_http_request_duration_seconds histogram');
  expect(res.body).toMatch(
    /mxhub_http_request_duration_seconds_count\{route="\/v1\/events",method="GET",status="200"\} 1/,
  );
  expect(res.body).toMatch(
    /mxhub_http_request_duration_seconds_count\{route="\/v1\/streams\/:id",method="GET",status="404"\} 1/,
  );
  expect(res.body).toMatch(
    /mxhub_http_request_duration_seconds_count\{route="unmatched",method="GET",status="404"\} 1/,
  );
  expect(res.body).not.toContain('asset-unknown');
});
