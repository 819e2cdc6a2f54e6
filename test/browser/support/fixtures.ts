import { test as base, expect, type Page } from '@playwright/test';
import { adminApi, type AdminApi } from './api';
import type { HubInfo, Profile } from './hub';
import type { Role, UserLogin } from './users';

export interface HubOptions {
  profile: Profile;
}

interface WorkerFixtures extends HubOptions {
  hub: HubInfo;
  api: AdminApi;
}

interface TestFixtures {
  /** Logs the page's context in as `role` through POST /v1/session (the cookie lands in the context) and opens `path`. */
  loginAs(role: Role, path?: string): Promise<void>;
}

/** Read here rather than imported from global-setup.ts, which would pull the hub starter into every worker. */
function hubsFromEnv(): Record<Profile, HubInfo> {
  const raw = process.env.MXHUB_BROWSER_HUBS;
  if (!raw) throw new Error('MXHUB_BROWSER_HUBS is not set: run the browser tests with `npx playwright test`');
  return JSON.parse(raw) as Record<Profile, HubInfo>;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  profile: ['embedded', { option: true, scope: 'worker' }],
  hub: [
    async ({ profile }, use) => {
      await use(hubsFromEnv()[profile]);
    },
    { scope: 'worker' },
  ],
  api: [async ({ hub }, use) => use(adminApi(hub.url, hub.adminToken)), { scope: 'worker' }],
  baseURL: async ({ hub }, use) => use(hub.url),
  loginAs: async ({ page, hub }, use) => {
    await use(async (role, path = '/') => {
      const login: UserLogin = hub.users[role];
      const res = await page.request.post(`${hub.url}/v1/session`, { data: login });
      expect(res.status(), `POST /v1/session as ${role}: ${await res.text()}`).toBe(200);
      await page.goto(path);
    });
  },
});

export { expect };

/** Logs in through the login page as a person does. */
export async function loginThroughForm(page: Page, login: UserLogin): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(login.username);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/**
 * Waits until the page's queries have answered: no antd spinner left, then a
 * short quiet network. Bounded: the live stream (/v1/stream) never closes, so
 * the network is never idle for long on a logged-in page.
 */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator('.ant-spin-spinning')).toHaveCount(0);
  await page.waitForLoadState('networkidle', { timeout: 2000 }).catch(() => undefined);
}
