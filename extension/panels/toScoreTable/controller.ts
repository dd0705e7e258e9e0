/**
 * Host side of the TO-score Table: one loss barcode per architecture of the target study (or picked runs),
 * summarised per row; recomputed when a member finishes or the study changes (pairs are cached, so only
 * new minima cost time).
 */
import { ToScoreTableRequest } from '../../../analysis/worker/protocol/lossBarcode';
import type { ToScoreTableHostMessage, ToScoreTableViewMessage } from '../../../webviews/panels/toScoreTable/protocol';
import type { PanelController, PanelHost } from '../panelHost';

export function createController(session: PanelHost): PanelController {
  const post = (m: ToScoreTableHostMessage) => session.post(m);

  async function load(force = false): Promise<void> {
    const target = session.target;
    if (!target) return;
    session.post({ type: 'loading', text: 'Computing the loss barcode of every architecture…' });
    const table = await session.request(ToScoreTableRequest, { runDirs: target.runDirs, studyDir: target.studyDir, force }, 'toScoreTable');
    if (!table) return;
    session.setTitle(`TO-score Table — ${table.rows.length} architectures`);
    post({ type: 'table', table, target });
  }

  return {
    onReady: () => void load(),
    onTarget: () => void load(),
    onViewMessage(message) {
      if ((message as ToScoreTableViewMessage).type === 'recompute') void load(true);
    },
    onRunEvent(event) {
      const target = session.target;
      if (!target) return;
      const mine = 'runDir' in event && target.runDirs.includes(event.runDir);
      if ((event.kind === 'finished' && mine) || event.kind === 'studyChanged') void load();
    },
  };
}
