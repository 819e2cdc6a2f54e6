import { expect, test } from './support/fixtures';

/** The directives of a Content-Security-Policy header, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

test.describe('security headers of the console', () => {
  for (const path of ['/', '/catalog', '/login']) {
    test(`${path}: a CSP without 'unsafe-inline' scripts, nosniff, a Referrer-Policy`, async ({ request }) => {
      const res = await request.get(path);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toMatch(/text\/html/);
      const csp = res.headers()['content-security-policy'];
      expect(csp, 'Content-Security-Policy header').toBeTruthy();
      const d = directives(csp!);
      const scripts = d.get('script-src') ?? d.get('default-src');
      expect(scripts, 'script-src (or default-src)').toBeDefined();
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toContain("'unsafe-eval'");
      expect(res.headers()['x-content-type-options']).toBe('nosniff');
      expect(res.headers()['referrer-policy']).toBeTruthy();
    });
  }

  test('the console runs under its own CSP: no script or style refused while it loads', async ({ page, loginAs }) => {
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    await loginAs('admin', '/');
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    expect(refused).toEqual([]);
  });
});
