/**
 * Host side of the Prediction Manifold panel: asks the worker for the InPCA embedding of the target's runs
 * (a study or any picked runs sharing a probe set), offers the other runs of the runs folder with the same
 * probe settings, and follows training live: a new checkpoint is placed by out-of-sample projection (cheap),
 * a finished run triggers a full recompute; the webview offers one when projected points fit badly.
 */
import path from 'node:path';
import { listRuns } from '../../../analysis/store/runStore';
import { PredictionManifoldRequest } from '../../../analysis/worker/protocol/predictionManifold';
import type { RunJson } from '../../../analysis/spec/runFormat';
import type { PickableRun, PredictionManifoldHostMessage, PredictionManifoldState, PredictionManifoldViewMessage } from '../../../webviews/panels/predictionManifold/protocol';
import type { PanelController, PanelHost } from '../panelHost';

/**
 * Runs can share a picture only with the same probe set: same data (the training-set size aside), probe size,
 * split and probe seed. A cheap pre-filter from run.json; the analysis checks the probe files themselves.
 */
function probeKey(run: RunJson): string {
  const c = run.config;
  // Imported runs have no config to compare: their probe size and classes are the cheap filter.
  if (!c) return JSON.stringify(['imported', run.source.probeSize, run.source.classes]);
  const { trainSize: _ignored, ...data } = c.dataset as typeof c.dataset & { trainSize?: unknown };
  return JSON.stringify([data, c.probe, c.seeds.probe]);
}

const LIVE_DEBOUNCE_MS = 1500;

export function createController(session: PanelHost): PanelController {
  let live = (session.restoredState as PredictionManifoldState | undefined)?.live ?? true;
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  const post = (m: PredictionManifoldHostMessage) => session.post(m);
  const runDirs = () => session.target?.runDirs ?? [];

  async function load(project = false): Promise<void> {
    const target = session.target;
    if (!target || target.runDirs.length === 0) return;
    if (!project) session.post({ type: 'loading', text: `Embedding the checkpoints of ${target.runDirs.length} run${target.runDirs.length === 1 ? '' : 's'}…` });
    const manifold = await session.request(PredictionManifoldRequest, { runDirs: target.runDirs, studyDir: target.studyDir, project }, 'manifold');
    if (!manifold) return;
    session.setTitle(`Prediction Manifold — ${manifold.runs.length === 1 ? manifold.runs[0].name : `${manifold.runs.length} runs`}`);
    post({ type: 'manifold', manifold, target });
    offerRuns();
  }

  function offerRuns(): void {
    const dirs = runDirs();
    if (dirs.length === 0) return;
    try {
      const all = listRuns(path.dirname(dirs[0])).filter((r) => r.run && r.checkpoints.length > 0);
      const shown = all.find((r) => dirs.includes(r.dir))?.run;
      const key = shown ? probeKey(shown) : undefined;
      const runs: PickableRun[] = all
        .filter((r) => dirs.includes(r.dir) || (key !== undefined && probeKey(r.run as RunJson) === key))
        .map((r) => ({ runDir: r.dir, name: (r.run as RunJson).name, status: (r.run as RunJson).status }));
      post({ type: 'pickable', runs });
    } catch {
      // The picker is a convenience: an unreadable runs folder leaves it showing the current runs only.
    }
  }

  return {
    onReady: () => void load(),
    onTarget: () => void load(),
    onViewMessage(message) {
      const m = message as PredictionManifoldViewMessage;
      const target = session.target;
      if (!target) return;
      if (m.type === 'pick') session.linkStep(m.runDir, m.step);
      else if (m.type === 'recompute') void load(false);
      else if (m.type === 'live') live = m.live;
      else if (m.type === 'setRuns' && m.runDirs.length > 0) {
        // A picked set is no longer "the study": its cache goes to the first run.
        session.target = { runDirs: m.runDirs };
        void load();
      }
    },
    onRunEvent(event) {
      if (!('runDir' in event) || !runDirs().includes(event.runDir)) return;
      if (event.kind === 'checkpoint' && live) {
        clearTimeout(liveTimer);
        liveTimer = setTimeout(() => void load(true), LIVE_DEBOUNCE_MS);
      } else if (event.kind === 'finished') {
        clearTimeout(liveTimer);
        void load(false);
      } else if (event.kind === 'stepSelected' && event.source !== session.id) {
        post({ type: 'linkedStep', runDir: event.runDir, step: event.step });
      }
    },
    dispose: () => clearTimeout(liveTimer),
  };
}
