/**
 * What the "Training Runs" tree shows for a run and a checkpoint. Pure mapping from store entries to
 * TreeItems, so the provider stays about refresh and structure.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import type { CheckpointRef, RunEntry } from '../../analysis/store/runStore';
import { isImportedRun, type RunStatus } from '../../analysis/spec/runFormat';
import type { PlannedMemberStatus, StudyEntry } from '../../analysis/worker/protocol/studies';

/** Loss and accuracy measured at a checkpoint (the `eval` record of metrics.jsonl at that step). */
export interface CheckpointMetrics { trainLoss: number; trainAccuracy: number; testLoss?: number; testAccuracy?: number }

export type RunsNode =
  | { kind: 'study'; study: StudyEntry }
  /** A planned member of a study with no run yet (or none completed): shown so the gap is visible. */
  | { kind: 'missingMember'; study: StudyEntry; planned: PlannedMemberStatus }
  | { kind: 'run'; entry: RunEntry; studyId?: string }
  | { kind: 'checkpoint'; entry: RunEntry; checkpoint: CheckpointRef; metrics?: CheckpointMetrics };

/** The run folders of a study node, for panels opened on the study. */
export function studyRunDirs(study: StudyEntry): string[] {
  return study.members.map((m) => m.runDir);
}

export function studyTreeItem(entry: StudyEntry): vscode.TreeItem {
  const name = entry.study?.name ?? entry.id;
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `study:${entry.dir}`;
  const done = entry.planned.filter((p) => p.state === 'completed').length;
  const running = entry.members.some((m) => m.status === 'running');
  if (entry.problem) {
    item.description = `${entry.members.length} runs · study.json unreadable`;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.tooltip = new vscode.MarkdownString().appendText(entry.problem);
  } else {
    item.description = entry.planned.length > 0 ? `study · ${done}/${entry.planned.length} trained${running ? ' · training' : ''}` : `study · ${entry.members.length} runs`;
    item.iconPath = new vscode.ThemeIcon(running ? 'sync~spin' : 'layers', running ? new vscode.ThemeColor('charts.blue') : undefined);
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escapeMd(name)}** — study of ${entry.planned.length || entry.members.length} runs

`);
    if (entry.study?.description) md.appendMarkdown(`${escapeMd(entry.study.description)}

`);
    if (entry.study?.presetStudyId) md.appendMarkdown(`preset study \`${entry.study.presetStudyId}\`

`);
    if (entry.missing.length > 0) md.appendMarkdown(`Not trained yet: ${entry.missing.map(escapeMd).join(', ')} — right-click → Resume Study.
`);
    item.tooltip = md;
  }
  // study | study.incomplete: drives the context menu (package.json)
  item.contextValue = entry.missing.length > 0 && !entry.problem ? 'study.incomplete' : 'study';
  item.resourceUri = vscode.Uri.file(entry.dir);
  return item;
}

export function missingMemberTreeItem(study: StudyEntry, planned: PlannedMemberStatus): vscode.TreeItem {
  const item = new vscode.TreeItem(planned.name, vscode.TreeItemCollapsibleState.None);
  item.id = `missing:${study.dir}:${planned.name}`;
  item.description = planned.state === 'missing' ? 'not trained yet' : `${planned.state}, not completed`;
  item.iconPath = new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('disabledForeground'));
  item.tooltip = `Planned member of study ${study.study?.name ?? study.id}. Right-click the study → Resume Study to train it.`;
  item.contextValue = 'missingMember';
  return item;
}

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  interrupted: new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

function percent(x: number | undefined): string | undefined {
  return x === undefined || !Number.isFinite(x) ? undefined : `${(100 * x).toFixed(1)}%`;
}

export function runTreeItem(entry: RunEntry, inStudy = false): vscode.TreeItem {
  const collapsible = entry.checkpoints.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
  const run = entry.run;
  if (!run) {
    const item = new vscode.TreeItem(entry.id, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${entry.dir}`;
    item.description = 'unreadable';
    item.tooltip = new vscode.MarkdownString().appendText(entry.problem ?? 'unreadable run folder');
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.contextValue = 'run.broken';
    item.resourceUri = vscode.Uri.file(entry.dir);
    return item;
  }
  const item = new vscode.TreeItem(run.name, collapsible);
  item.id = `run:${entry.dir}`;
  const accuracy = percent(run.summary?.testAccuracy ?? run.summary?.trainAccuracy);
  const origin = isImportedRun(run) ? `imported ${run.source.format}` : run.backend;
  item.description = [run.status, origin, accuracy && `acc ${accuracy}`, shortTime(run.timings.startedAt)].filter(Boolean).join(' · ');
  item.iconPath = STATUS_ICONS[run.status];
  // run.<status>[.inStudy] (status: running | completed | interrupted | failed): drives the context menu (package.json)
  item.contextValue = `run.${run.status}${inStudy ? '.inStudy' : ''}`;
  item.resourceUri = vscode.Uri.file(entry.dir);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMd(run.name)}** — ${run.status}\n\n`);
  md.appendMarkdown(`| | |\n|---|---|\n`);
  md.appendMarkdown(`| run | \`${run.id}\` |\n`);
  if (isImportedRun(run)) {
    const layout = run.source.layout === 'map' ? 'mapping file' : run.source.layout === 'torch' ? 'PyTorch [out, in]' : 'Keras [in, out]';
    md.appendMarkdown(`| imported from | \`${escapeMd(run.source.dir)}\` |\n| format | ${run.source.format}, ${run.source.files.length} files, ${layout} |\n| imported | ${run.source.importedAt} |\n`);
  } else {
    md.appendMarkdown(`| backend | ${run.backend} |\n| started | ${run.timings.startedAt} |\n`);
  }
  if (run.timings.trainSeconds !== undefined) md.appendMarkdown(`| training time | ${run.timings.trainSeconds.toFixed(1)} s |\n`);
  if (run.summary) {
    md.appendMarkdown(`| step | ${run.summary.step} |\n| train loss | ${run.summary.trainLoss.toFixed(4)} |\n`);
    if (accuracy) md.appendMarkdown(`| accuracy | ${accuracy} |\n`);
  }
  md.appendMarkdown(`| checkpoints | ${entry.checkpoints.length} |\n`);
  if (run.error) md.appendMarkdown(`\n**Error**${run.error.step !== undefined ? ` at step ${run.error.step}` : ''}: ${escapeMd(run.error.message)}\n`);
  item.tooltip = md;
  if (run.study) md.appendMarkdown(`\nMember \`${escapeMd(run.study.member)}\` of study \`${run.study.id}\`\n`);
  item.command = { command: 'topolens.openRun', title: 'Open', arguments: [{ kind: 'run', entry } satisfies RunsNode] };
  return item;
}

export function checkpointTreeItem(entry: RunEntry, checkpoint: CheckpointRef, metrics: CheckpointMetrics | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(`step ${checkpoint.step}`, vscode.TreeItemCollapsibleState.None);
  item.id = `checkpoint:${checkpoint.file}`;
  item.iconPath = new vscode.ThemeIcon('circle-small-filled');
  item.contextValue = 'checkpoint';
  const acc = percent(metrics?.testAccuracy ?? metrics?.trainAccuracy);
  if (metrics) item.description = `loss ${metrics.trainLoss.toFixed(3)}${acc ? ` · acc ${acc}` : ''}`;
  const lines = [path.basename(checkpoint.file)];
  if (metrics) {
    lines.push(`train loss ${metrics.trainLoss.toFixed(4)}, accuracy ${percent(metrics.trainAccuracy)}`);
    if (metrics.testLoss !== undefined) lines.push(`test loss ${metrics.testLoss.toFixed(4)}, accuracy ${percent(metrics.testAccuracy)}`);
  }
  lines.push(`Click to open the panels at step ${checkpoint.step}.`);
  item.tooltip = lines.join('\n');
  item.command = { command: 'topolens.openCheckpoint', title: 'Open Checkpoint', arguments: [{ kind: 'checkpoint', entry, checkpoint } satisfies RunsNode] };
  return item;
}

/** "08:15" today, "Nov 21 08:15" otherwise: enough to tell runs of the same preset apart. */
function shortTime(iso: string): string | undefined {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return undefined;
  const hm = t.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return t.toDateString() === new Date().toDateString() ? hm : `${t.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} ${hm}`;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
