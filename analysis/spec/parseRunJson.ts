/**
 * Parsing run.json. The zod schema (runSchema.ts) is required on the first parse, not at import: this file
 * is on the extension host's startup path (the runs tree), and zod costs ~0.2 s to load unbundled.
 */
import { RUN_SCHEMA_VERSION, type RunJson } from './runFormat';
import { parseVersionedJson } from './versionedJson';

/** Parses run.json text; every problem is an Error naming `file`. */
export function parseRunJson(text: string, file: string): RunJson {
  return parseVersionedJson<RunJson>(text, file, { kind: 'run', fileName: 'run.json', version: RUN_SCHEMA_VERSION, schema: () => loadRunSchema().RunJsonSchema });
}

/** The zod schema module, required on first use (bundled lazily by esbuild; see the file comment). */
function loadRunSchema(): typeof import('./runSchema') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load is the point
  return require('./runSchema') as typeof import('./runSchema');
}
