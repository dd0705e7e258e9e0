/**
 * What the "Training Runs" tree shows for a run and a checkpoint. Pure mapping from store entries to
 * TreeItems, so the provider stays about refresh and structure.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import type { CheckpointRef, RunEntry } from '../../analysis/store/runStore';
import type { RunStatus } from '../../analysis/spec/runFormat';

/** Loss and accuracy measured at a checkpoint (the `eval` record of metrics.jsonl at that step). */
export interface CheckpointMetrics { trainLoss: number; trainAccuracy: number; testLoss?: number; testAccuracy?: number }

export type RunsNode =
  | { kind: 'run'; entry: RunEntry }
  | { kind: 'checkpoint'; entry: RunEntry; checkpoint: CheckpointRef; metrics?: CheckpointMetrics };

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  interrupted: new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('charts.yellow')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

function percent(x: number | undefined): string | undefined {
  return x === undefined || !Number.isFinite(x) ? undefined : `${(100 * x).toFixed(1)}%`;
}

export function runTreeItem(entry: RunEntry): vscode.TreeItem {
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
  item.description = [run.status, run.backend, accuracy && `acc ${accuracy}`, shortTime(run.timings.startedAt)].filter(Boolean).join(' · ');
  item.iconPath = STATUS_ICONS[run.status];
  // run.running | run.completed | run.interrupted | run.failed: drives the context menu (package.json)
  item.contextValue = `run.${run.status}`;
  item.resourceUri = vscode.Uri.file(entry.dir);
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escapeMd(run.name)}** — ${run.status}\n\n`);
  md.appendMarkdown(`| | |\n|---|---|\n`);
  md.appendMarkdown(`| run | \`${run.id}\` |\n| backend | ${run.backend} |\n| started | ${run.timings.startedAt} |\n`);
  if (run.timings.trainSeconds !== undefined) md.appendMarkdown(`| training time | ${run.timings.trainSeconds.toFixed(1)} s |\n`);
  if (run.summary) {
    md.appendMarkdown(`| step | ${run.summary.step} |\n| train loss | ${run.summary.trainLoss.toFixed(4)} |\n`);
    if (accuracy) md.appendMarkdown(`| accuracy | ${accuracy} |\n`);
  }
  md.appendMarkdown(`| checkpoints | ${entry.checkpoints.length} |\n`);
  if (run.error) md.appendMarkdown(`\n**Error**${run.error.step !== undefined ? ` at step ${run.error.step}` : ''}: ${escapeMd(run.error.message)}\n`);
  item.tooltip = md;
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
