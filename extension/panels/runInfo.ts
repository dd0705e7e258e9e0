/** What the panel registry needs to know of a run to say whether a panel applies (run.json + file list). */
import { readRun } from '../../analysis/store/runStore';
import type { PanelRunInfo } from './panelDefinition';

export function panelRunInfo(runDir: string): PanelRunInfo {
  const entry = readRun(runDir);
  const shape = entry.run?.shape;
  return {
    runDir,
    name: entry.run?.name ?? entry.id,
    status: entry.run?.status,
    checkpoints: entry.checkpoints.length,
    denseLayers: shape ? shape.layers.filter((l) => l.type === 'dense').length : entry.run?.config.model.kind === 'mlp' ? 1 : 0,
    inputShape: shape?.inputShape,
    classes: shape?.classes,
    probeSize: shape?.probeSize,
    studyId: entry.run?.study?.id,
  };
}
