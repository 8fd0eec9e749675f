// ESLint over the TypeScript sources, with type information, so that promises nobody awaits and
// values of type `any` flowing into typed code are caught before review.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'outbox/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Refusing NUL and control characters is the point of several validators.
      'no-control-regex': 'off',
    },
  },
  {
    // Tests read HTTP bodies (typed `any` by supertest) and raw rows all the time; the unsafe-any
    // rules guard production code, while floating promises stay errors everywhere.
    files: ['test/**/*.ts', 'src/**/*.spec.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // Business code asks the injected Clock for "now", so every decision can be run at another
    // instant; operational timestamps (queues, metrics, logs, tools) may read the wall clock.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts', 'src/common/clock/clock.ts', 'src/queue/**', 'src/metrics/**', 'src/verification/**', 'src/cli/**', 'src/logging/**', 'src/health/**'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Ask the injected Clock for now (src/common/clock/clock.ts).' }],
    },
  },
  prettier,
);
