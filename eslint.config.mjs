import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', '.nx/**', '.moxnas/**', 'coverage/**', 'artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            // contracts import nothing; host (side effects) may know the contracts' types; render
            // (pure renderers, plus validators that run the daemons' checkers through host's
            // CommandRunner) may use both; apps use all three.
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:host', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:render', onlyDependOnLibsWithTags: ['type:contracts', 'type:host'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:shared', 'scope:api'] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared', 'scope:api'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // Side effects belong behind libs/host; services never spawn processes themselves.
    files: ['apps/api/src/**/*.ts', 'apps/cli/src/**/*.ts', 'libs/render/**/*.ts', 'libs/contracts/**/*.ts', 'apps/web/src/**/*.{ts,tsx}'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'child_process', message: 'Use the CommandRunner from @moxnas/host.' }, { name: 'node:child_process', message: 'Use the CommandRunner from @moxnas/host.' }] }],
    },
  },
  {
    // End-to-end suites start the real API through its own test harness (apps/api/test/support),
    // which a library import cannot express; the production code keeps the boundaries.
    files: ['apps/api-e2e/**/*.ts', 'apps/web-e2e/**/*.ts', 'apps/api/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
