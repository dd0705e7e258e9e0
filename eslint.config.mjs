// Lint rules that keep the house's shape: analysis/ and webviews/ never reach into VS Code;
// webviews/ never reach into Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'zlib', 'net', 'http', 'https'];
const nodeImportBan = nodeBuiltins.flatMap((m) => [m, `node:${m}`]).map((name) => ({ name, message: 'webviews run in a browser: no Node modules.' }));

const vscodeBan = { name: 'vscode', message: 'analysis/ is pure: it runs in the worker and the CLI, never the extension host.' };

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
        paths: [vscodeBan],
      }],
    },
  },
  {
    // Lower layers never reach up into training (the run config schema lives in spec/).
    files: ['analysis/{store,data,topology,linalg,spec}/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [vscodeBan],
        patterns: [{ group: ['**/training', '**/training/**'], message: 'store/data/topology/linalg/spec sit below training/: move the shared piece down (e.g. to spec/).' }],
      }],
    },
  },
  {
    // A protocol file declares wire types and request constants: it imports other protocol files, spec/ types
    // and vscode-jsonrpc, never an implementation.
    files: ['analysis/worker/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [vscodeBan],
        patterns: [{ regex: '^(\\.\\./(?!\\.\\./spec/)|zod$)', message: 'protocol files import only protocol files, spec/ types and vscode-jsonrpc.' }],
      }],
    },
  },
  {
    // Activation must stay fast: zod (~0.2 s to load) and the presets load on first use (dynamic import).
    files: ['extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'zod', message: 'keep zod off the extension host\'s startup path: import() it where it is used.', allowTypeImports: true }],
        patterns: [{ group: ['**/training/presets', '**/spec/trainConfig', '**/spec/runSchema', '**/spec/studySchema'], message: 'zod-backed modules load lazily on the extension host: use `import type` or `await import()`.', allowTypeImports: true }],
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
  {
    // A panel's protocol is shared with the host: message and state types only, no page code.
    files: ['webviews/panels/*/protocol.ts', 'webviews/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'webviews/ run in a browser.' }, { name: 'd3', message: 'protocol files hold message types only.' }],
        patterns: [{ group: ['**/charts/**', '**/shared/**', './main', '**/analysis/analyses/**', '**/analysis/store/**'], message: 'a panel protocol imports only protocol types (webviews/protocol, analysis/worker/protocol, analysis/spec): declare the type there.' }],
      }],
    },
  },
);
