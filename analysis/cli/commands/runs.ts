/** `topolens runs` (runs and studies) and `topolens barcode`: read runs from the shell, same store as the extension. */
import path from 'node:path';
import type { Command } from 'commander';
import { listRuns, type RunEntry } from '../../store/runStore';
import { listStudies, type StudyEntry } from '../../store/studyStore';
import type { RunsListing } from '../../worker/protocol/studies';
import { computeWeightBarcode, summarizeBarcode } from '../../analyses/weightBarcode/barcode';

export function registerRunsCommands(program: Command): void {
  program
    .command('runs')
    .description('list the runs and studies in a runs folder (members grouped under their study)')
    .argument('[dir]', 'runs folder', path.join(process.cwd(), '.topolens', 'runs'))
    .option('--json', 'print JSON: { "runs": [...], "studies": [...] }')
    .action((dir: string, opts: { json?: boolean }) => {
      const root = path.resolve(dir);
      const runs = listRuns(root);
      const studies = listStudies(root, runs);
      if (opts.json) return void console.log(JSON.stringify({ runs, studies } satisfies RunsListing, null, 2));
      console.log(formatRunsListing(root, runs, studies));
    });
  program
    .command('barcode')
    .description('H0/H1 barcode of a layer\'s neuron weight vectors at a checkpoint')
    .argument('<runDir>', 'run folder')
    .option('--step <n>', 'checkpoint step (default: last)', (v) => parseStep(v))
    .option('--layer <name>', 'layer name (default: final layer)')
    .option('--json', 'print the full result as JSON')
    .action((runDir: string, opts: { step?: number; layer?: string; json?: boolean }) => {
      const b = computeWeightBarcode({ runDirs: [path.resolve(runDir)], step: opts.step, layer: opts.layer });
      console.log(opts.json ? JSON.stringify(b, null, 2) : summarizeBarcode(b));
    });
}

function parseStep(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--step ${v}: expected a non-negative integer`);
  return n;
}

function runLine(r: RunEntry, indent = ''): string {
  if (!r.run) return `${indent}${r.id}  UNREADABLE  ${r.problem}`;
  const acc = r.run.summary?.testAccuracy ?? r.run.summary?.trainAccuracy;
  const member = r.run.study ? `  [${r.run.study.member}]` : '';
  return `${indent}${r.id}  ${r.run.status.padEnd(11)} ${r.run.backend.padEnd(10)} ${r.checkpoints.length} checkpoints${acc !== undefined ? `  acc ${(100 * acc).toFixed(1)}%` : ''}${member}`;
}

function studyLine(s: StudyEntry): string {
  if (!s.study) return `study ${s.id}  UNREADABLE  ${s.problem}`;
  const done = s.planned.length - s.missing.length;
  const missing = s.missing.length ? `, missing: ${s.missing.join(', ')} (topolens train --resume-study ${s.dir})` : '';
  return `study ${s.id}  "${s.study.name}"  ${done}/${s.planned.length} members completed${missing}`;
}

/** Studies first, each followed by its member runs (indented), then the runs of no study. */
export function formatRunsListing(root: string, runs: RunEntry[], studies: StudyEntry[]): string {
  if (runs.length === 0 && studies.length === 0) return `no runs in ${root}`;
  const byDir = new Map(runs.map((r) => [r.dir, r]));
  const grouped = new Set<string>();
  const lines: string[] = [];
  for (const s of studies) {
    lines.push(studyLine(s));
    for (const m of s.members) {
      const r = byDir.get(m.runDir);
      if (!r) continue;
      grouped.add(m.runDir);
      lines.push(runLine(r, '  '));
    }
  }
  for (const r of runs) if (!grouped.has(r.dir)) lines.push(runLine(r));
  return lines.join('\n');
}
