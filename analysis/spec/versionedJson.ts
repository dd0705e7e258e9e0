/**
 * Parsing the project's small versioned JSON files (run.json, study.json): text -> JSON -> schema version
 * check -> schema validation, every problem an Error that names the file and what to do. A file written by
 * a newer TopoLens is refused rather than guessed at.
 */

/** The part of a zod schema the parser uses (zod itself loads lazily, see parseRunJson.ts). */
export interface LazySchema {
  safeParse(raw: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface VersionedFormat {
  /** "run" or "study": the word in messages ("run schema 3", "update TopoLens to open this run"). */
  kind: string;
  /** The file's name for messages ("run.json"). */
  fileName: string;
  /** Newest schema version this TopoLens reads. */
  version: number;
  schema(): LazySchema;
}

export function parseVersionedJson<T>(text: string, file: string, format: VersionedFormat): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); the file may be truncated or corrupt`);
  }
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > format.version) {
    throw new Error(`${file}: written by a newer TopoLens (${format.kind} schema ${version}, this version reads up to ${format.version}); update TopoLens to open this ${format.kind}`);
  }
  const r = format.schema().safeParse(raw);
  if (!r.success) {
    const first = r.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${file}: not a valid TopoLens ${format.fileName} (${first})`);
  }
  return r.data as T;
}
