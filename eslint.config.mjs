// Lint rules that keep the house's shape: analysis/ and webviews/ never reach into VS Code;
// webviews/ never reach into Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'zlib', 'net', 'http', 'https'];
const nodeImportBan = nodeBuiltins.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'webviews run in a browser: no Node modules.' }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-results/**', '.e2e/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
    },
  },
  {
    files: ['analysis/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'analysis/ is pure: it runs in the worker and the CLI, never the extension host.' }],
      }],
    },
  },
  {
    files: ['webviews/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'webviews/ run in a browser: talk to the host through webviews/protocol.' }, ...nodeImportBan],
      }],
    },
  },
);
