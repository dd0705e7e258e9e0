/**
 * Loads a user's model module (TypeScript or JavaScript, ES modules or CommonJS) inside the worker,
 * without a bundler on disk: the VSIX ships only bundles, so neither esbuild nor TypeScript exists at
 * run time there. Sucrase (pure JS, bundled) strips types and turns imports into CommonJS; a private
 * `require` resolves relative files (compiled the same way, cached), maps `@tensorflow/tfjs*` to the
 * worker's OWN tfjs (a second copy would be a second engine whose tensors the trainer cannot use), and
 * leaves other packages to Node's resolution from the model's folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import Module, { createRequire } from 'node:module';
import { transform } from 'sucrase';
import * as tfjs from '@tensorflow/tfjs';

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx'];

/** Modules the loaded code must share with the worker instead of loading its own copy. */
const SHARED_MODULES: Record<string, unknown> = {
  '@tensorflow/tfjs': tfjs,
  '@tensorflow/tfjs-core': tfjs,
  '@tensorflow/tfjs-layers': tfjs,
};

export class ModuleLoadError extends Error {}

/** Compiles `code` of `file` to CommonJS; syntax errors become `file:line:column: message`. */
export function compileToCommonJs(code: string, file: string): string {
  const ext = path.extname(file);
  const typescript = ['.ts', '.tsx', '.mts', '.cts'].includes(ext);
  const jsx = ext === '.tsx' || ext === '.jsx';
  try {
    return transform(code, {
      transforms: [...(typescript ? ['typescript' as const] : []), ...(jsx ? ['jsx' as const] : []), 'imports'],
      filePath: file,
      sourceMapOptions: { compiledFilename: path.basename(file) },
      production: true,
    }).code;
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const where = err.loc ? `${file}:${err.loc.line}:${err.loc.column + 1}` : file;
    throw new ModuleLoadError(`${where}: ${err.message.replace(/\s*\(\d+:\d+\)$/, '')}`);
  }
}

/** Resolves a relative specifier to an existing source file (with or without extension, or a folder index). */
function resolveRelative(fromDir: string, specifier: string): string | undefined {
  const base = path.resolve(fromDir, specifier);
  const candidates = [base, ...SOURCE_EXTENSIONS.map((e) => base + e), ...SOURCE_EXTENSIONS.map((e) => path.join(base, `index${e}`))];
  // `./x.js` written in TypeScript sources refers to `./x.ts` (the TS "NodeNext" convention)
  if (/\.(c|m)?js$/.test(base)) candidates.push(base.replace(/\.(c|m)?js$/, '.ts'), base.replace(/\.(c|m)?js$/, '.tsx'));
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/** Evaluates `file` and returns its exports. Each call starts a fresh module graph (edits are picked up). */
export function loadSourceModule(file: string): Record<string, unknown> {
  const cache = new Map<string, NodeJS.Module>();

  const load = (abs: string): Record<string, unknown> => {
    const cached = cache.get(abs);
    if (cached) return cached.exports as Record<string, unknown>;
    const m = new Module(abs) as NodeJS.Module & { _compile(code: string, filename: string): void; paths: string[] };
    m.filename = abs;
    m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(abs));
    cache.set(abs, m);
    if (abs.endsWith('.json')) {
      m.exports = JSON.parse(fs.readFileSync(abs, 'utf8'));
      return m.exports as Record<string, unknown>;
    }
    const nodeRequire = createRequire(abs);
    const privateRequire = (specifier: string): unknown => {
      if (specifier in SHARED_MODULES) return SHARED_MODULES[specifier];
      if (specifier.startsWith('.') || path.isAbsolute(specifier)) {
        const target = resolveRelative(path.dirname(abs), specifier);
        if (!target) throw new ModuleLoadError(`${abs}: cannot find '${specifier}'`);
        return load(target);
      }
      return nodeRequire(specifier);
    };
    const code = compileToCommonJs(fs.readFileSync(abs, 'utf8'), abs);
    // Module.wrap gives the standard (exports, require, module, __filename, __dirname) function.
    const wrapper = new Function('return ' + Module.wrap(code))() as (...args: unknown[]) => void;
    wrapper.call(m.exports, m.exports, Object.assign(privateRequire, { resolve: nodeRequire.resolve }), m, abs, path.dirname(abs));
    return m.exports as Record<string, unknown>;
  };

  return load(path.resolve(file));
}
