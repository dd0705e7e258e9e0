/**
 * Host side of the Run Dashboard: the run (run.json, config as a config file, the analyses that apply to
 * it) and its curves, refreshed while it trains (at most once a second), and the linked step.
 */
import { readRun } from '../../../analysis/store/runStore';
import { RunCurvesRequest } from '../../../analysis/worker/protocol/runCurves';
import type { AnalysisButton, DashboardRun, RunDashboardHostMessage, RunDashboardViewMessage } from '../../../webviews/panels/runDashboard/protocol';
import type { PanelController, PanelHost } from '../panelHost';
import { PANELS } from '../registry';
import { panelRunInfo } from '../runInfo';
import { nearestCheckpointStep } from '../../runs/nearestCheckpoint';

const CURVE_REFRESH_MS = 1000;

export function createController(session: PanelHost): PanelController {
  const post = (m: RunDashboardHostMessage) => session.post(m);
  const runDir = () => session.target?.runDirs[0];
  let maxPoints = 1000;
  let refreshTimer: NodeJS.Timeout | undefined;
  let lastCurves = 0;

  function sendRun(): void {
    const dir = runDir();
    if (!dir) return;
    const entry = readRun(dir);
    const run: DashboardRun = {
      runDir: dir,
      run: entry.run,
      problem: entry.problem,
      checkpointSteps: entry.checkpoints.map((c) => c.step),
      configFileText: entry.run?.config ? JSON.stringify(entry.run.config, null, 2) + '\n' : undefined, // imported runs have no config
    };
    const info = [panelRunInfo(dir)];
    const analyses: AnalysisButton[] = PANELS.filter((p) => p.id !== session.id).map((p) => ({ id: p.id, title: p.title, description: p.description, icon: p.icon, reason: p.unavailableReason(info) }));
    session.setTitle(`Run — ${entry.run?.name ?? entry.id}`);
    post({ type: 'run', run, analyses });
  }

  async function sendCurves(): Promise<void> {
    const dir = runDir();
    if (!dir) return;
    lastCurves = Date.now();
    const curves = await session.request(RunCurvesRequest, { runDirs: [dir], maxPoints }, 'curves');
    if (curves) post({ type: 'curves', curves });
  }

  /** While training, checkpoints and progress come quickly: one refresh a second is plenty. */
  function scheduleRefresh(): void {
    if (refreshTimer) return;
    const wait = Math.max(0, CURVE_REFRESH_MS - (Date.now() - lastCurves));
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      sendRun();
      void sendCurves();
    }, wait);
  }

  function load(): void {
    const dir = runDir();
    if (!dir) return;
    session.post({ type: 'loading', text: 'Reading the run…' });
    sendRun();
    void sendCurves().then(() => {
      const step = session.target?.step;
      if (step !== undefined) post({ type: 'linkedStep', runDir: dir, step });
    });
  }

  return {
    onReady: load,
    onTarget: load,
    onViewMessage(message) {
      const m = message as RunDashboardViewMessage;
      if (m.type === 'refresh') {
        maxPoints = m.maxPoints ?? maxPoints;
        void sendCurves();
      }
    },
    onRunEvent(event) {
      const dir = runDir();
      if (!dir || !('runDir' in event) || event.runDir !== dir) return;
      if (event.kind === 'checkpoint' || event.kind === 'started') scheduleRefresh();
      else if (event.kind === 'finished') { clearTimeout(refreshTimer); refreshTimer = undefined; sendRun(); void sendCurves(); }
      else if (event.kind === 'stepSelected') {
        const step = nearestCheckpointStep(dir, event.step);
        if (step !== undefined) post({ type: 'linkedStep', runDir: dir, step });
      }
    },
    dispose: () => clearTimeout(refreshTimer),
  };
}
