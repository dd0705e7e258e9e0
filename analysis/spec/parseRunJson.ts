/**
 * Parsing run.json. The zod schema (runSchema.ts) is required on the first parse, not at import: this file
 * is on the extension host's startup path (the runs tree), and zod costs ~0.2 s to load unbundled.
 */
import { RUN_SCHEMA_VERSION, type RunJson } from './runFormat';

/** Parses run.json text; every problem is an Error naming `file`. */
export function parseRunJson(text: string, file: string): RunJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); the file may be truncated or corrupt`);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > RUN_SCHEMA_VERSION) {
    throw new Error(`${file}: written by a newer TopoLens (run schema ${version}, this version reads up to ${RUN_SCHEMA_VERSION}); update TopoLens to open this run`);
  }
  const r = loadRunSchema().RunJsonSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file}: not a valid TopoLens run.json (${first})`);
  }
  return r.data as RunJson;
}

/** The zod schema module, required on first use (bundled lazily by esbuild; see the file comment). */
function loadRunSchema(): typeof import('./runSchema') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load is the point
  return require('./runSchema') as typeof import('./runSchema');
}
