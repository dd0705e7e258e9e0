/**
 * Host side of the Weight Trees panel: asks the worker for the run's weight trees (every layer, the paper's
 * defaults), a layer recomputed with the view's settings, the learning surface, a node's weight images and
 * the fitted eps. While the run trains it refreshes after new checkpoints, one request at a time (a graph
 * takes seconds; starting one per checkpoint would cancel each before it finished).
 */
import path from 'node:path';
import { FitEpsRequest, NodeWeightsRequest, WeightSurfaceRequest, WeightTreesRequest, type LayerTree, type WeightTreesMapperSettings } from '../../../analysis/worker/protocol/weightTrees';
import { toKeplerMapperGraph } from '../../../analysis/analyses/weightTrees/keplerMapperJson';
import type { WeightTreesHostMessage, WeightTreesState, WeightTreesViewMessage } from '../../../webviews/panels/weightTrees/protocol';
import type { PanelController, PanelHost } from '../panelHost';
import { nearestCheckpointStep } from '../../runs/nearestCheckpoint';

export function createController(session: PanelHost): PanelController {
  const restored = session.restoredState as WeightTreesState | undefined;
  const post = (m: WeightTreesHostMessage) => session.post(m);
  const runDir = () => session.target?.runDirs[0];
  /** The layer the view recomputed with its own settings, re-asked after a refresh. */
  let custom: { layer: string; settings: WeightTreesMapperSettings } | undefined = restored?.layer && restored.settings && Object.keys(restored.settings).length ? { layer: restored.layer, settings: restored.settings } : undefined;
  /** The graph each layer shows (defaults, or the view's settings): what "Export graph JSON" saves. */
  const shown = new Map<string, LayerTree>();
  let loading = false;
  let stale = false;

  async function load(): Promise<void> {
    const target = session.target;
    const dir = runDir();
    if (!target || !dir) return;
    if (loading) { stale = true; return; }
    loading = true;
    try {
      do {
        stale = false;
        session.post({ type: 'loading', text: 'Computing weight trees (PCA and Mapper of every layer)…' });
        const trees = await session.request(WeightTreesRequest, { runDirs: [dir] }, 'trees');
        if (!trees) return;
        session.setTitle(`Weight Trees — ${trees.runName}`);
        for (const l of trees.layers) shown.set(l.layer, l);
        post({ type: 'trees', trees, target });
        if (custom) await computeLayer(custom.layer, custom.settings);
      } while (stale);
    } finally {
      loading = false;
    }
  }

  async function computeLayer(layer: string, settings: WeightTreesMapperSettings): Promise<void> {
    const dir = runDir();
    if (!dir) return;
    custom = Object.keys(settings).length ? { layer, settings } : undefined;
    session.post({ type: 'loading', text: `Recomputing ${layer}…` });
    const result = await session.request(WeightTreesRequest, { runDirs: [dir], layers: [layer], ...settings }, 'layer');
    if (!result?.layers[0]) return;
    shown.set(layer, result.layers[0]);
    post({ type: 'layer', layer: result.layers[0], settings });
  }

  return {
    onReady: () => void load(),
    onTarget: () => void load(),
    async onViewMessage(message) {
      const m = message as WeightTreesViewMessage;
      const dir = runDir();
      if (!dir) return;
      switch (m.type) {
        case 'compute':
          return computeLayer(m.layer, m.settings);
        case 'node': {
          const weights = await session.request(NodeWeightsRequest, { runDirs: [dir], layer: m.layer, points: m.points }, 'node');
          if (weights) post({ type: 'node', nodeId: m.nodeId, weights });
          return;
        }
        case 'surface': {
          session.post({ type: 'loading', text: `Learning surface of ${m.layer}…` });
          const surface = await session.request(WeightSurfaceRequest, { runDirs: [dir], layer: m.layer, step: m.step }, 'surface');
          if (surface) post({ type: 'surface', surface });
          return;
        }
        case 'saveGraph': {
          const tree = shown.get(m.layer);
          if (!tree) return;
          return session.offerFile({
            suggestedName: `${path.basename(dir)}-${m.layer}-mapper.json`,
            defaultFolder: dir,
            filter: { name: 'KeplerMapper graph', extensions: ['json'] },
            text: JSON.stringify(toKeplerMapperGraph(tree)),
            mime: 'application/json',
          });
        }
        case 'fitEps': {
          session.post({ type: 'loading', text: `Fitting eps for ${m.layer}…` });
          const fitted = await session.request(FitEpsRequest, { runDirs: [dir], layers: [m.layer] }, 'fitEps');
          if (fitted) post({ type: 'fittedEps', fitted });
          return;
        }
      }
    },
    onRunEvent(event) {
      const dir = runDir();
      if (!dir || !('runDir' in event) || event.runDir !== dir) return;
      if (event.kind === 'checkpoint' || event.kind === 'finished') void load();
      else if (event.kind === 'stepSelected' && event.source !== session.id) {
        const step = nearestCheckpointStep(dir, event.step);
        if (step !== undefined) post({ type: 'linkedStep', runDir: dir, step });
      }
    },
  };
}
