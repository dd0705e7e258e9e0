/**
 * Host side of the Loss Barcode panel: asks the worker for the loss barcode of the target's runs (a study's
 * members of one architecture, or picked runs), with progress per pair in the panel; recomputes when a
 * member run finishes or the study changes (finished pairs are cached, so only new pairs cost time).
 * Live: while the pairs run, the barcode of the pairs finished so far (cached) is fetched every few seconds,
 * so bars appear and shorten as pairs finish. The view's method control picks optimised paths or the sampled
 * k-NN approximation (one pass, no live partials); the choice is kept in the view state.
 */
import { LossBarcodeRequest } from '../../../analysis/worker/protocol/lossBarcode';
import type { BarrierMethod } from '../../../analysis/worker/protocol/lossBarcode';
import type { LossBarcodeHostMessage, LossBarcodeState, LossBarcodeViewMessage } from '../../../webviews/panels/lossBarcode/protocol';
import type { PanelController, PanelHost } from '../panelHost';

const LIVE_REFRESH_MS = 4000;

export function createController(session: PanelHost): PanelController {
  const post = (m: LossBarcodeHostMessage) => session.post(m);
  let live: NodeJS.Timeout | undefined;
  let generation = 0;
  let method: BarrierMethod = (session.restoredState as LossBarcodeState | undefined)?.method ?? 'paths';

  async function load(force = false): Promise<void> {
    const target = session.target;
    if (!target) return;
    const mine = ++generation;
    session.post({ type: 'loading', text: method === 'sampled' ? 'Sampling weight space around the minima (k-NN approximation)…' : 'Optimising paths between the minima…' });
    clearInterval(live);
    let polling = false;
    // The sampled method gives every pair in one pass: nothing partial to show meanwhile.
    if (method === 'paths') live = setInterval(() => {
      if (polling) return;
      polling = true;
      void session.request(LossBarcodeRequest, { runDirs: target.runDirs, studyDir: target.studyDir, cachedOnly: true }, 'partial').then((partial) => {
        polling = false;
        if (partial && mine === generation && partial.pairsDone > 0 && partial.pairsDone < partial.pairsTotal) post({ type: 'barcode', result: partial, target, partial: true });
      });
    }, LIVE_REFRESH_MS);
    const result = await session.request(LossBarcodeRequest, { runDirs: target.runDirs, studyDir: target.studyDir, force, method }, 'lossBarcode');
    if (mine !== generation) return;
    clearInterval(live);
    session.cancel('partial');
    if (!result) return;
    session.setTitle(`Loss Barcode — ${result.architecture} (${result.minima.length} minima)`);
    post({ type: 'barcode', result, target });
  }

  return {
    onReady: () => void load(),
    onTarget: () => void load(),
    onViewMessage(message) {
      const m = message as LossBarcodeViewMessage;
      if (m.type === 'recompute') void load(true);
      else if (m.type === 'method') {
        method = m.method;
        void load();
      }
    },
    dispose: () => clearInterval(live),
    onRunEvent(event) {
      const target = session.target;
      if (!target) return;
      const mine = 'runDir' in event && target.runDirs.includes(event.runDir);
      if ((event.kind === 'finished' && mine) || event.kind === 'studyChanged') void load();
    },
  };
}
