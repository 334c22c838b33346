import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'src/generated/', 'dist/', 'test-artifacts/', 'src/web/static/vendor/', '.data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ignores: ['src/web/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The inbox's pages: ES modules that run in the browser.
    files: ['src/web/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'window', 'document', 'location', 'history', 'navigator', 'console', 'fetch', 'EventSource', 'URL',
          'URLSearchParams', 'Intl', 'crypto', 'CSS', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval',
          'Node', 'Element', 'HTMLElement', 'HTMLAnchorElement', 'HTMLInputElement', 'HTMLSelectElement',
          'HTMLTextAreaElement', 'HTMLFormElement', 'Event', 'MessageEvent', 'SubmitEvent', 'EventListener', 'FormData', 'File',
          'ResizeObserver',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
);
