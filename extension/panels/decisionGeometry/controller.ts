/**
 * Host side of the Decision Geometry panel: asks the worker for the maps of the target's (first) run at its
 * step (the newest checkpoint when no step is pinned) with the panel's view (region depth, alpha, plane), then
 * for the series across training of every target run (a second run, e.g. the same preset without L2, is
 * drawn beside it in the ||W|| chart); runs the subsampling study on request. Follows the runs live and
 * follows steps picked in linked views.
 */
import { DecisionGeometryRequest, DecisionSeriesRequest, SubsamplingRequest } from '../../../analysis/worker/protocol/decisionGeometry';
import type { DecisionGeometryHostMessage, DecisionGeometryState, DecisionGeometryViewMessage, GeometryView } from '../../../webviews/panels/decisionGeometry/protocol';
import type { PanelController, PanelHost } from '../panelHost';
import { nearestCheckpointStep } from '../../runs/nearestCheckpoint';

/** Grid of the panel's maps: 256 x 256 redraws in a few ms and shows thin regions. */
const GRID = 256;

export function createController(session: PanelHost): PanelController {
  let view: GeometryView = (session.restoredState as DecisionGeometryState | undefined)?.view ?? { alpha: 1 };
  /** Run, plane and checkpoint count the series was computed for: it is asked again only when one changes. */
  let seriesKey = '';
  const post = (m: DecisionGeometryHostMessage) => session.post(m);
  const runDir = () => session.target?.runDirs[0];

  async function load(options: { series?: boolean } = {}): Promise<void> {
    const target = session.target;
    const dir = runDir();
    if (!target || !dir) return;
    session.post({ type: 'loading', text: `Evaluating the network on a ${GRID}×${GRID} grid${target.step !== undefined ? ` at step ${target.step}` : ''}…` });
    const shownView = view;
    const result = await session.request(DecisionGeometryRequest, { runDirs: [dir], step: target.step, grid: GRID, regionLayer: view.regionLayer, alpha: view.alpha, plane: view.plane }, 'geometry');
    if (!result) return;
    session.setTitle(`Decision Geometry — ${result.runName} @ step ${result.step}`);
    post({ type: 'geometry', result, target, view: shownView });
    const key = `${target.runDirs.join('|')}|${view.plane?.join(',') ?? ''}|${result.steps.length}`;
    if (key === seriesKey && !options.series) return;
    seriesKey = key;
    const series = await session.request(DecisionSeriesRequest, { runDirs: target.runDirs, plane: view.plane }, 'series');
    if (series) post({ type: 'series', series });
    else seriesKey = '';
  }

  async function subsample(): Promise<void> {
    const dir = runDir();
    if (!dir) return;
    session.post({ type: 'loading', text: 'Subsampling study: training small networks on band and uniform subsets…' });
    const result = await session.request(SubsamplingRequest, { runDirs: [dir] }, 'subsampling');
    if (result) post({ type: 'subsampling', result });
  }

  return {
    onReady: () => { seriesKey = ''; void load(); },
    onTarget: () => void load(),
    onViewMessage(message) {
      const m = message as DecisionGeometryViewMessage;
      const target = session.target;
      if (!target) return;
      if (m.type === 'subsample') return void subsample();
      if (m.type !== 'select') return;
      view = m.view;
      session.target = { ...target, step: m.step };
      void load();
      if (m.step !== undefined) session.linkStep(target.runDirs[0], m.step);
    },
    onRunEvent(event) {
      const dir = runDir();
      if (!dir || !('runDir' in event) || !session.target?.runDirs.includes(event.runDir)) return;
      if (event.kind === 'checkpoint' || event.kind === 'finished') {
        void load({ series: true });
      } else if (event.runDir !== dir) {
        return; // the second run only feeds the charts
      } else if (event.kind === 'stepSelected' && event.source !== session.id) {
        const step = nearestCheckpointStep(dir, event.step);
        if (step === undefined || step === session.target?.step) return;
        session.target = { ...(session.target ?? { runDirs: [dir] }), step };
        void load();
      }
    },
  };
}
