/** What the panel registry needs to know of a run to say whether a panel applies (run.json + file list). */
import { readRun } from '../../analysis/store/runStore';
import { runModelFacts } from '../../analysis/spec/runFormat';
import type { PanelRunInfo } from './panelDefinition';

export function panelRunInfo(runDir: string): PanelRunInfo {
  const entry = readRun(runDir);
  const facts = runModelFacts(entry.run);
  return {
    runDir,
    name: entry.run?.name ?? entry.id,
    status: entry.run?.status,
    checkpoints: entry.checkpoints.length,
    denseLayers: facts.denseLayers,
    inputShape: facts.inputShape,
    classes: facts.classes,
    probeSize: facts.probeSize,
    imported: entry.run?.source?.kind === 'imported',
    studyId: entry.run?.study?.id,
  };
}
