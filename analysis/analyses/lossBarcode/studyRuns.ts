/**
 * Which runs a loss barcode is about: the request's run folders, or the completed member runs of a study
 * folder (`<runsRoot>/studies/<id>/`, members found by scanning the runs that name the study). A member that
 * was trained more than once counts once, with its latest completed run.
 */
import path from 'node:path';
import { readStudy, studyMembers } from '../../store/studyStore';
import type { AnalysisParams } from '../../worker/protocol/analysis';
import { describeArchitecture, runLayers } from './minima';
import { readRun } from '../../store/runStore';
import { requireTrainedRun } from '../../spec/runFormat';

function architectureOf(dir: string): string {
  const entry = readRun(dir);
  if (!entry.run) throw new Error(entry.problem ?? `${dir}: not a run folder`);
  return describeArchitecture(runLayers(requireTrainedRun(entry.run, path.join(dir, 'run.json'), 'the loss barcode'), dir));
}

export function studyMemberRuns(studyDir: string): string[] {
  const study = readStudy(studyDir);
  const runsRoot = path.dirname(path.dirname(path.resolve(studyDir)));
  const latest = new Map<string, string>();
  for (const m of studyMembers(runsRoot, study.id)) if (m.status === 'completed') latest.set(m.member, m.runDir); // sorted by run id: later wins
  if (latest.size === 0) throw new Error(`${studyDir}: the study "${study.name}" has no completed member runs yet; train it first`);
  return [...latest.values()];
}

/** The run folders of a request: `runDirs` when given, else the study's completed members. */
export function requestRuns(params: AnalysisParams): string[] {
  if (params.runDirs.length > 0) return params.runDirs;
  if (params.studyDir) return studyMemberRuns(params.studyDir);
  throw new Error('loss barcode: no runs (give run folders or a study folder)');
}

/**
 * Runs grouped by architecture (as `describeArchitecture` names it), in first-seen order: a study may hold
 * several architectures (a width x depth grid), and a barcode compares minima of one.
 */
export function groupByArchitecture(runDirs: readonly string[]): { architecture: string; runDirs: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const dir of runDirs) {
    const arch = architectureOf(dir);
    groups.set(arch, [...(groups.get(arch) ?? []), dir]);
  }
  return [...groups].map(([architecture, dirs]) => ({ architecture, runDirs: dirs }));
}
