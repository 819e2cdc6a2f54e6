import { defineConfig } from '@playwright/test';
import type { HubOptions } from './test/browser/support/fixtures';

/*
 * The console in a real browser (issue 15 item 3): Debian's chromium (no
 * browser download works in CI), one hub per profile shared by that
 * profile's tests (test/browser/support/global-setup.ts starts both at once
 * so their screening and proxies run while the first tests log in). One
 * worker: the machine has two cores and each hub wants one.
 */
export default defineConfig<HubOptions>({
  testDir: 'test/browser',
  testMatch: '**/*.browser.spec.ts',
  globalSetup: './test/browser/support/global-setup.ts',
  outputDir: '.tmp/playwright',
  workers: 1,
  fullyParallel: false,
  reporter: 'list',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  use: {
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
  },
  projects: [
    { name: 'embedded', use: { profile: 'embedded' } },
    // Every flow again on PostgreSQL, Redis/BullMQ, Kafka and clamd. What only the console's pages decide (axe,
    // headers, language, the engine banner, the screenshots) is the same bundle on either profile and runs once, on the embedded one.
    {
      name: 'production',
      use: { profile: 'production' },
      testIgnore: [
        '**/axe.browser.spec.ts',
        '**/headers.browser.spec.ts',
        '**/language.browser.spec.ts',
        '**/engines.browser.spec.ts',
        '**/screenshots.browser.spec.ts',
      ],
    },
  ],
});
