import { expect, loginThroughForm, test } from './support/fixtures';

test.describe('session', () => {
  test('an admin logs in, sees the dashboard with its lanes, logs out: back to /login and no session', async ({
    page,
    hub,
  }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);

    await loginThroughForm(page, hub.users.admin);
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/');
    // Both lanes of the transfer service are on the dashboard.
    await expect(page.getByText(/urgent/i).first()).toBeVisible();
    await expect(page.getByText(/normal/i).first()).toBeVisible();
    expect((await page.request.get('/v1/session')).status()).toBe(200);

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    expect((await page.request.get('/v1/session')).status()).toBe(401);
  });

  test('a wrong password shows an error and opens no session', async ({ page, hub }) => {
    await loginThroughForm(page, { username: hub.users.admin.username, password: 'not-the-password' });
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
    expect((await page.request.get('/v1/session')).status()).toBe(401);
  });
});
