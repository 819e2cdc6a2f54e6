// Three tiers (style guide, rule 7): pure unit specs, integration specs on
// the real services, e2e specs on a running hub. TypeScript is transformed by
// swc; type-checking is `npm run typecheck` (tsc --noEmit), run by CI.
const swc = ['@swc/jest', { jsc: { target: 'es2022' } }];
// cookie 2 (light-my-request, under fastify's inject) and content-disposition 3
// (@fastify/static, under the docs UI) ship only as ESM, which jest's CommonJS
// runtime cannot require on Node 20: swc turns them into CommonJS like our own files.
const ESM_ONLY = ['cookie', 'content-disposition'];
const transform = {
  '^.+\\.ts$': swc,
  [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: swc,
};
const common = {
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  // testTimeout is a global option (jest ignores it inside a project).
  testTimeout: 120000,
  // One temporary root per run, removed at the end (test/support/global-setup.js).
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.unit.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/**/*.int.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/**/*.e2e.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/'],
    },
  ],
};
