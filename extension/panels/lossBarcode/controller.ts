/**
 * Host side of the Loss Barcode panel: asks the worker for the loss barcode of the target's runs (a study's
 * members of one architecture, or picked runs), with progress per pair in the panel; recomputes when a
 * member run finishes or the study changes (finished pairs are cached, so only new pairs cost time).
 */
import { LossBarcodeRequest } from '../../../analysis/worker/protocol/lossBarcode';
import type { LossBarcodeHostMessage, LossBarcodeViewMessage } from '../../../webviews/panels/lossBarcode/protocol';
import type { PanelController, PanelSession } from '../panelSession';

export function createController(session: PanelSession): PanelController {
  const post = (m: LossBarcodeHostMessage) => session.post(m);

  async function load(force = false): Promise<void> {
    const target = session.target;
    if (!target) return;
    session.post({ type: 'loading', text: 'Optimising paths between the minima…' });
    const result = await session.request(LossBarcodeRequest, { runDirs: target.runDirs, studyDir: target.studyDir, force }, 'lossBarcode');
    if (!result) return;
    session.setTitle(`Loss Barcode — ${result.architecture} (${result.minima.length} minima)`);
    post({ type: 'barcode', result, target });
  }

  return {
    onReady: () => void load(),
    onTarget: () => void load(),
    onViewMessage(message) {
      if ((message as LossBarcodeViewMessage).type === 'recompute') void load(true);
    },
    onRunEvent(event) {
      const target = session.target;
      if (!target) return;
      const mine = 'runDir' in event && target.runDirs.includes(event.runDir);
      if ((event.kind === 'finished' && mine) || event.kind === 'studyChanged') void load();
    },
  };
}
