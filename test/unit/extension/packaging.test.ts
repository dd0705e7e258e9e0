/**
 * The VSIX allow-list (.vscodeignore) against the build (esbuild.mjs): every Node bundle the build writes —
 * the extension, the worker, the CLI and the worker-thread entries they start — is shipped. A thread file
 * missing from the VSIX only shows up on a user's machine, as a panel that never computes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

test('every Node bundle written by esbuild.mjs is allowed into the VSIX by .vscodeignore', () => {
  const build = fs.readFileSync(path.join(root, 'esbuild.mjs'), 'utf8');
  const bundles = [...build.matchAll(/nodeConfig\('[^']+',\s*'([^']+\.js)'/g)].map((m) => m[1]);
  assert.ok(bundles.length >= 5, `found only ${JSON.stringify(bundles)} in esbuild.mjs`);
  const allowed = new Set(fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('!')).map((l) => l.slice(1)));
  for (const bundle of bundles) assert.ok(allowed.has(`dist/${bundle}`), `.vscodeignore does not ship dist/${bundle} (add "!dist/${bundle}")`);
  for (const pattern of ['dist/webviews/*.js', 'dist/webviews/*.css', 'dist/wasm/**']) assert.ok(allowed.has(pattern), `.vscodeignore lacks !${pattern}`);
});
