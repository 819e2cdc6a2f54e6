import { expect, test } from './support/fixtures';

test.describe('language', () => {
  test.use({ locale: 'zh-CN' });

  test('a Chinese browser gets the console in Chinese; "Language" switches to English and is remembered', async ({
    page,
    loginAs,
  }) => {
    await loginAs('admin', '/');
    const h1 = page.getByRole('heading', { level: 1 });
    await expect(h1).toBeVisible();
    await expect(h1).not.toHaveText('Dashboard');
    await expect(h1).toHaveText(/\p{Script=Han}/u);

    await page.getByLabel('语言').click();
    await page.getByText('English', { exact: true }).last().click();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(
          'mxhub.lang',
        ),
      ),
    ).toBe('en');

    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    await expect(page.getByLabel('Language')).toBeVisible();
  });
});
