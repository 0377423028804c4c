/**
 * One jest run, four layers (see docs/testing.md):
 *   unit         *.spec.ts beside the code; fakes allowed, no database, no host changes
 *   integration  apps/api/test/**\/*.int-spec.ts; the real API against real PostgreSQL/Redis or the embedded defaults
 *   host-e2e     apps/api-e2e/**\/*.e2e-spec.ts; real smbd/vsftpd/exportfs as root
 *   web-e2e      apps/web-e2e/**\/*.e2e-spec.ts; headless Chromium against the real API
 * and, outside `npm test`, reliability (apps/api-e2e/src/reliability, `npm run test:reliability`).
 */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  // A few runtime dependencies ship ESM only; Node 20 loads them natively, jest needs them as CommonJS.
  '^.+/node_modules/(content-disposition)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs' }, diagnostics: false }],
};
const transformIgnorePatterns = ['/node_modules/(?!(content-disposition)/)'];
const moduleNameMapper = {
  '^@moxnas/contracts$': '<rootDir>/libs/contracts/src/index.ts',
  '^@moxnas/host$': '<rootDir>/libs/host/src/index.ts',
  '^@moxnas/render$': '<rootDir>/libs/render/src/index.ts',
};
const common = { rootDir: __dirname, transform, transformIgnorePatterns, moduleNameMapper, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps/api/src,apps/cli/src,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/apps/api/test/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/apps/api/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/support/global-teardown.ts',
      slowTestThreshold: 30,
    },
    {
      ...common,
      displayName: 'host-e2e',
      testMatch: ['<rootDir>/apps/api-e2e/src/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/apps/api/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/support/global-teardown.ts',
    },
    {
      // `npm run test:reliability` (bench/README.md): load, faults, hostile input and auth against
      // the real API. Not one of the layers `npm test` selects, so it never runs twice.
      ...common,
      displayName: 'reliability',
      testMatch: ['<rootDir>/apps/api-e2e/src/reliability/**/*.reliability-spec.ts'],
      globalSetup: '<rootDir>/apps/api-e2e/src/reliability/support/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api-e2e/src/reliability/support/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'web-e2e',
      testMatch: ['<rootDir>/apps/web-e2e/src/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/apps/api/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/apps/api/test/support/global-teardown.ts',
    },
  ],
  testTimeout: 60000,
};
