import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../testing/gateway-fixture';

describe('the console at / (a built console beside the API)', () => {
  let gw: TestGateway;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mxhub-console-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1a2b.js"></script>');
    writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
    gw = await startTestGateway('pglite', { consoleRoot: root });
  });
  afterAll(async () => {
    await gw.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  test.each(['/', '/login', '/catalog/assets/0193', '/admin/users', '/transfers'])(
    '%s answers the console page, revalidated at every load',
    async (url) => {
      const res = await gw.request({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('/assets/app-1a2b.js');
      expect(res.headers['cache-control']).toBe('no-cache');
    },
  );

  test('hashed files are cached for good; an unknown path keeps the JSON 404', async () => {
    const js = await gw.request({ url: '/assets/app-1a2b.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
    const missing = await gw.request({ url: '/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'MXHUB_ERR_NOT_FOUND' } });
  });

  test('pages and API answers carry a CSP that runs only our own script files, nosniff and a referrer policy', async () => {
    for (const url of ['/', '/health/live']) {
      const res = await gw.request({ url });
      const csp = res.headers['content-security-policy'] ?? '';
      const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      expect(scriptSrc.trim()).toBe("'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  test('without a build the pages say how to make one (503) and the API still works', async () => {
    const bare = await startTestGateway('pglite', { consoleRoot: join(root, 'missing') });
    try {
      const res = await bare.request({ url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('node console/build.js');
      expect((await bare.request({ url: '/health/live' })).statusCode).toBe(200);
    } finally {
      await bare.dispose();
    }
  });
});
