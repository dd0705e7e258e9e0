/**
 * Host side of the Weight Barcode panel: asks the worker for the barcode of the target's run at its step
 * (the newest checkpoint when no step is pinned) and for the series across training; follows the run live,
 * and follows steps picked in linked views (the dashboard's curves).
 */
import { WeightBarcodeRequest, WeightBarcodeSeriesRequest } from '../../../analysis/worker/protocol/weightBarcode';
import type { WeightBarcodeHostMessage, WeightBarcodeState, WeightBarcodeViewMessage } from '../../../webviews/panels/weightBarcode/protocol';
import type { PanelController, PanelHost } from '../panelHost';
import { nearestCheckpointStep } from '../../runs/nearestCheckpoint';

export function createController(session: PanelHost): PanelController {
  let layer = (session.restoredState as WeightBarcodeState | undefined)?.layer;
  const post = (m: WeightBarcodeHostMessage) => session.post(m);
  const runDir = () => session.target?.runDirs[0];

  async function load(): Promise<void> {
    const target = session.target;
    const dir = runDir();
    if (!target || !dir) return;
    session.cancel('series');
    session.post({ type: 'loading', text: `Computing barcode${target.step !== undefined ? ` at step ${target.step}` : ''}…` });
    const barcode = await session.request(WeightBarcodeRequest, { runDirs: [dir], step: target.step, layer, maxDim: 1 }, 'barcode');
    if (!barcode) return;
    layer = barcode.layer;
    session.setTitle(`Weight Barcode — ${barcode.runName} @ step ${barcode.step}`);
    post({ type: 'barcode', barcode, target });
    // The evolution over all checkpoints follows; each step is cached, so this is cheap after the first time.
    const series = await session.request(WeightBarcodeSeriesRequest, { runDirs: [dir], layer: barcode.layer, maxDim: 1 }, 'series');
    if (series) post({ type: 'series', series });
  }

  return {
    onReady: () => void load(),
    onTarget: () => void load(),
    onViewMessage(message) {
      const m = message as WeightBarcodeViewMessage;
      const target = session.target;
      if (m.type !== 'select' || !target) return;
      layer = m.layer ?? layer;
      session.target = { ...target, step: m.step };
      void load();
      // The scrubber is a step pick too: linked views (the dashboard) highlight it.
      if (m.step !== undefined) session.linkStep(target.runDirs[0], m.step);
    },
    onRunEvent(event) {
      const dir = runDir();
      if (!dir || !('runDir' in event) || event.runDir !== dir) return;
      if (event.kind === 'checkpoint' || event.kind === 'finished') {
        // Following the newest checkpoint: show it. A pinned step stays, but the series grows.
        void load();
      } else if (event.kind === 'stepSelected' && event.source !== session.id) {
        const step = nearestCheckpointStep(dir, event.step);
        if (step === undefined || step === session.target?.step) return;
        session.target = { ...(session.target ?? { runDirs: [dir] }), step };
        void load();
      }
    },
  };
}
