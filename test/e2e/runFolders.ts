/**
 * The run folders the extension writes into the e2e workspace (`.topolens/runs/<runId>/`, the format in
 * README "Run folder format"), read straight from disk. The test checks what the UI shows against what is
 * really there: the tree must list a killed run's checkpoints, and run.json must say how the run ended.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface RunFolder {
  readonly dir: string;
  readonly id: string;
  readonly name: string;
  readonly status: string;
  /** Steps of the checkpoint files, ascending. */
  readonly checkpointSteps: number[];
}

/** The runs folder of a workspace with the default `topolens.runsFolder` setting. */
export function runsRoot(workspace: string): string {
  return path.join(workspace, '.topolens', 'runs');
}

/** Checkpoint steps of a run folder (`checkpoints/step-0000120.safetensors`), ascending. */
export function checkpointSteps(runDir: string): number[] {
  const dir = path.join(runDir, 'checkpoints');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir)
    .map((f) => /^step-(\d+)\.safetensors$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Reads one run folder; throws naming the file if run.json is missing or not JSON. */
export function readRunFolder(dir: string): RunFolder {
  const file = path.join(dir, 'run.json');
  let run: { id?: unknown; name?: unknown; status?: unknown };
  try {
    run = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof run;
  } catch (e) {
    throw new Error(`${file}: not a readable run.json (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return { dir, id: String(run.id ?? path.basename(dir)), name: String(run.name), status: String(run.status), checkpointSteps: checkpointSteps(dir) };
}

/** Run folders (with a run.json) under `root`, oldest first (run ids start with a sortable timestamp). */
export function listRunFolders(root: string): RunFolder[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root)
    .sort()
    .map((id) => path.join(root, id))
    .filter((dir) => fs.existsSync(path.join(dir, 'run.json')))
    .map(readRunFolder);
}
