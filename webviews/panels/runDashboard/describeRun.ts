/**
 * run.json in words: the config (dataset, model, init, optimiser, schedule, seeds, backend) and the
 * timings as label/value rows a person can read at a glance. Pure functions (no DOM), so the wording is
 * decided in one place; the exact config stays one click away ("Copy as config file").
 */
import type { ImportedRunJson, RunJson, TrainedRunJson } from '../../../analysis/spec/runFormat';
import type { TrainConfig } from '../../../analysis/spec/trainConfig';
import { formatNumber } from '../../shared/dom';

export interface Row { label: string; value: string }

export function describeConfig(run: RunJson): Row[] {
  if (!run.config) return describeImport(run);
  const c = run.config;
  const rows: Row[] = [
    { label: 'dataset', value: describeDataset(c, run) },
    { label: 'model', value: describeModel(c, run) },
    { label: 'init', value: describeInit(c.init) },
    { label: 'optimiser', value: describeOptimizer(c) },
    { label: 'training', value: describeLength(c, run) },
    { label: 'checkpoints', value: describeCheckpoints(c.checkpoints) },
    { label: 'evaluation', value: `probe set ${c.probe.size} from ${c.probe.split}; eval subsets train ${c.evaluation.trainSize}, test ${c.evaluation.testSize}` },
    { label: 'seeds', value: `init ${c.seeds.init} · shuffle ${c.seeds.shuffle} · probe ${c.seeds.probe}` },
    { label: 'backend', value: run.backend },
  ];
  if (run.study) rows.push({ label: 'study', value: `${run.study.id} (member ${run.study.member})` });
  return rows;
}

/** An imported run has no config: where it came from and how its tensors were read instead. */
function describeImport(run: ImportedRunJson): Row[] {
  const s = run.source;
  const count = (role: string) => s.files.filter((f) => f.role === role).length;
  const layers = s.layers.map((l) => `${l.name} ${l.type} [${l.shape.join('×')}]${l.orientation === 'out-in' ? ' (transposed)' : ''}`).join(', ');
  const rows: Row[] = [
    { label: 'imported', value: `${s.format} from ${s.dir}, ${formatTime(s.importedAt)}` },
    { label: 'files', value: `${count('checkpoint')} checkpoints${count('predictions') ? `, ${count('predictions')} prediction files` : ''}${count('metrics') ? `, ${count('metrics')} metrics files` : ''}` },
    { label: 'layout', value: s.layout === 'map' ? `mapping file ${s.mapFile ?? ''}` : s.layout === 'torch' ? 'PyTorch ([out, in] weights, transposed)' : 'Keras ([in, out] kernels)' },
    { label: 'layers', value: layers || 'none' },
    { label: 'probe set', value: s.probeSize !== undefined ? `${s.probeSize} samples, ${s.classes} classes` : 'none (no predictions imported)' },
  ];
  if (run.study) rows.push({ label: 'study', value: `${run.study.id} (member ${run.study.member})` });
  return rows;
}

function describeDataset(c: TrainConfig, run: TrainedRunJson): string {
  const d = c.dataset;
  const name = d.kind === 'toy' ? `toy ${d.shape} (${d.classes} classes, noise ${d.noise}, seed ${d.seed})` : d.kind;
  const shape = run.shape;
  const sizes = shape
    ? `${shape.trainSize.toLocaleString('en-US')} train / ${shape.testSize.toLocaleString('en-US')} test, ${shape.classes} classes, input ${shape.inputShape.join('×')}`
    : [d.trainSize && `${d.trainSize} train`, d.testSize && `${d.testSize} test`].filter(Boolean).join(' / ');
  const where = 'dir' in d && d.dir ? ` from ${d.dir}` : '';
  const subset = d.trainSize || d.testSize ? `, ${d.subset} subset` : '';
  return `${name}${where} — ${sizes || 'full splits'}${subset}, normalise ${d.normalize}`;
}

function describeModel(c: TrainConfig, run: TrainedRunJson): string {
  const m = c.model;
  const inputs = run.shape ? run.shape.inputShape.reduce((a, b) => a * b, 1) : undefined;
  const classes = run.shape?.classes;
  if (m.kind === 'mlp') {
    const widths = [inputs ?? 'in', ...m.hidden, classes ?? 'classes'].join('-');
    return `MLP ${widths}, ${m.activation}${m.bias ? '' : ', no bias'}`;
  }
  if (m.kind === 'cnn') {
    const layers = m.layers.map((l) => {
      if (l.type === 'conv2d') return `conv ${l.kernelSize}×${l.kernelSize}×${l.filters}${l.stride > 1 ? ` /${l.stride}` : ''} ${l.activation ?? m.activation}`;
      if (l.type === 'maxpool') return `maxpool ${l.size}`;
      return `dense ${l.units} ${l.activation ?? m.activation}`;
    });
    return `CNN ${[...layers, ...m.hidden.map((h) => `dense ${h} ${m.activation}`), `dense ${classes ?? 'classes'}`].join(' → ')}${m.bias ? '' : ', no bias'}`;
  }
  return `createModel(tf) from ${m.path}`;
}

function describeInit(init: TrainConfig['init']): string {
  if (init.kind === 'zeros') return `zeros${init.symmetryBreaking > 0 ? ` + N(0, ${init.symmetryBreaking}) symmetry breaking` : ''}`;
  if (init.kind === 'normal') return `normal, std ${init.std}`;
  return init.kind;
}

function describeOptimizer(c: TrainConfig): string {
  const o = c.optimizer;
  const base = o.kind === 'sgd'
    ? `SGD lr ${o.lr}${o.momentum ? `, momentum ${o.momentum}${o.nesterov ? ' (Nesterov)' : ''}` : ''}`
    : `Adam lr ${o.lr}, β₁ ${o.beta1}, β₂ ${o.beta2}, ε ${o.epsilon}`;
  const s = c.lrSchedule;
  const schedule = s.kind === 'constant' ? '' : s.kind === 'step' ? `; lr ×${s.gamma} every ${s.everySteps} steps` : `; cosine decay to ${s.minLr}`;
  return `${base}${schedule}${c.weightDecay ? `; weight decay ${c.weightDecay}` : ''}`;
}

function describeLength(c: TrainConfig, run: TrainedRunJson): string {
  const length = c.epochs !== undefined ? `${c.epochs} epoch${c.epochs === 1 ? '' : 's'}` : `${c.steps} steps`;
  const total = run.shape ? ` = ${run.shape.totalSteps.toLocaleString('en-US')} steps (${run.shape.stepsPerEpoch} per epoch)` : '';
  const stopping = c.stopping ? `; stops earlier when the train loss plateaus (${c.stopping.patience} epochs without a fall > ${c.stopping.minDelta})` : '';
  return `batch ${c.batchSize}, ${length}${total}${stopping}`;
}

function describeCheckpoints(s: TrainConfig['checkpoints']): string {
  if (s.kind === 'every') return `every ${s.steps} steps`;
  return s.kind === 'even' ? `${s.count}, evenly spaced` : `${s.count}, log-spaced (dense early)`;
}

/** Start, end, duration, checkpoint share, progress, resumes, the final numbers and any error. */
export function describeTimings(run: RunJson): Row[] {
  const t = run.timings;
  const rows: Row[] = [{ label: 'started', value: formatTime(t.startedAt) }];
  if (t.endedAt) rows.push({ label: 'ended', value: formatTime(t.endedAt) });
  else if (run.status === 'running' && t.heartbeatAt) rows.push({ label: 'last heartbeat', value: formatTime(t.heartbeatAt) });
  if (t.trainSeconds !== undefined) {
    const percent = t.checkpointSeconds !== undefined && t.trainSeconds > 0 ? (100 * t.checkpointSeconds) / t.trainSeconds : undefined;
    const share = percent === undefined ? '' : ` (writing checkpoints ${percent > 0 && percent < 1 ? '<1' : Math.round(percent)}%)`;
    rows.push({ label: 'training time', value: formatDuration(t.trainSeconds) + share });
  }
  const s = run.summary;
  if (s) {
    const total = run.shape?.totalSteps;
    rows.push({ label: 'steps', value: total ? `${s.step.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}` : s.step.toLocaleString('en-US') });
    rows.push({ label: 'final train', value: `loss ${formatNumber(s.trainLoss)}, accuracy ${formatPercent(s.trainAccuracy)}` });
    if (s.testLoss !== undefined || s.testAccuracy !== undefined) {
      rows.push({ label: 'final test', value: [s.testLoss !== undefined && `loss ${formatNumber(s.testLoss)}`, s.testAccuracy !== undefined && `accuracy ${formatPercent(s.testAccuracy)}`].filter(Boolean).join(', ') });
    }
  }
  if (run.stop?.rule === 'train-loss-plateau') rows.push({ label: 'stopped', value: `at epoch ${run.stop.epoch}: ${run.stop.reason}` });
  if (run.resumedAt?.length) rows.push({ label: 'resumed at', value: run.resumedAt.map((x) => `step ${x}`).join(', ') });
  if (run.error) rows.push({ label: 'error', value: run.error.step !== undefined ? `at step ${run.error.step}: ${run.error.message}` : run.error.message });
  for (const w of run.warnings ?? []) rows.push({ label: 'warning', value: w });
  return rows;
}

export function formatPercent(x: number): string {
  return Number.isFinite(x) ? `${Number((x * 100).toPrecision(4))}%` : String(x);
}

/** "1 h 02 min", "3 min 07 s", "12.4 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return String(seconds);
  if (seconds < 60) return `${Number(seconds.toPrecision(3))} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h} h ${pad(m)} min` : `${m} min ${pad(s % 60)} s`;
}

/** An ISO time in the reader's locale, falling back to the text itself when it does not parse. */
function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
