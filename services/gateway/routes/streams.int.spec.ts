import { uuidv7 } from '../../../lib/ids';
import { deleted, detected } from '../../../test/support/events';
import { startTestGateway, type TestGateway } from '../testing/gateway-fixture';

let gw: TestGateway;
const asset = `asset-${uuidv7()}`;
const other = `asset-${uuidv7()}`;

beforeAll(async () => {
  gw = await startTestGateway('postgres');
  await gw.store.append(asset, [detected(asset)]);
  await gw.store.append(other, [detected(other)]);
  await gw.store.append(asset, [deleted(asset)]);
});
afterAll(() => gw.dispose());

// Through fastify's inject: no socket, the same routing, hooks and serialisation.
const get = (id: string) =>
  gw.app.inject({ method: 'GET', url: `/v1/streams/${encodeURIComponent(id)}`, headers: gw.as('viewer') });

test('a stream answers its timeline: every event, oldest first, and its version', async () => {
  const res = await get(asset);
  expect(res.statusCode).toBe(200);
  const body = res.json();
  expect(body.streamId).toBe(asset);
  expect(body.version).toBe(2);
  expect(body.items.map((e: { type: string; version: number }) => [e.version, e.type])).toEqual([
    [1, 'AssetDetected'],
    [2, 'AssetDeleted'],
  ]);
  expect(body.items[1].prevHash).toBe(body.items[0].hash);
  expect(typeof body.items[0].position).toBe('string');
});

test('a stream with no events: 404 naming it', async () => {
  const missing = `asset-${uuidv7()}`;
  const res = await get(missing);
  expect(res.statusCode).toBe(404);
  expect(res.json().error).toMatchObject({ code: 'MXHUB_ERR_NOT_FOUND', message: expect.stringContaining(missing) });
});

test('an id that is not a stream id: 400 naming the path parameter', async () => {
  const res = await get('not a stream');
  expect(res.statusCode).toBe(400);
  expect(res.json().error).toMatchObject({
    code: 'MXHUB_ERR_VALIDATION',
    details: { field: 'id', location: 'params' },
  });
  expect(res.json().error.message).toContain('path parameter "id" must match pattern');
});

test('an id without its category prefix: the 400 says what stream ids look like', async () => {
  const res = await get(uuidv7());
  expect(res.statusCode).toBe(400);
  expect(res.json().error.message).toContain('stream ids look like asset-<id>, transfer-<id>');
});
