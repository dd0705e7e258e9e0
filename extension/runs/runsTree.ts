/**
 * The "Training Runs" tree: runs (newest first) with their checkpoints as children. Reads the run store
 * directly (small JSON files, no worker round-trip) so the tree stays live while the worker is busy
 * training, and refreshes on file-system changes under the runs folder (debounced).
 */
import * as vscode from 'vscode';
import { listRuns, readMetrics, readRun, type RunEntry } from '../../analysis/store/runStore';
import { checkpointTreeItem, runTreeItem, type CheckpointMetrics, type RunsNode } from './runItems';
import { log } from '../log';

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private entries: RunEntry[] = [];
  private watcher: vscode.FileSystemWatcher | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private root: string) {
    this.watch();
  }

  private readonly problemEmitter = new vscode.EventEmitter<string | undefined>();
  /** Fires with a message when the runs folder cannot be listed (shown above the tree), undefined once it can. */
  readonly onDidChangeProblem = this.problemEmitter.event;
  private problem: string | undefined;

  private setProblem(problem: string | undefined): void {
    if (problem === this.problem) return;
    this.problem = problem;
    this.problemEmitter.fire(problem);
  }

  get runsRoot(): string {
    return this.root;
  }

  setRoot(root: string): void {
    this.root = root;
    this.watch();
    this.refresh();
  }

  /** Debounced: training writes several files per checkpoint; one redraw is enough. */
  refresh(delayMs = 150): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.changeEmitter.fire(undefined), delayMs);
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    return node.kind === 'run' ? runTreeItem(node.entry) : checkpointTreeItem(node.entry, node.checkpoint, node.metrics);
  }

  getChildren(node?: RunsNode): RunsNode[] {
    if (!node) {
      try {
        this.entries = listRuns(this.root).sort((a, b) => b.id.localeCompare(a.id));
        this.setProblem(undefined);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        log().error(`listing runs in ${this.root}: ${message}`);
        this.setProblem(`${message} — check the setting topolens.runsFolder.`);
        this.entries = [];
      }
      return this.entries.map((entry) => ({ kind: 'run', entry }));
    }
    if (node.kind === 'run') {
      const fresh = readRun(node.entry.dir);
      const metrics = checkpointMetrics(fresh.dir);
      return fresh.checkpoints.map((checkpoint) => ({ kind: 'checkpoint', entry: fresh, checkpoint, metrics: metrics.get(checkpoint.step) }));
    }
    return [];
  }

  getParent(node: RunsNode): RunsNode | undefined {
    return node.kind === 'checkpoint' ? { kind: 'run', entry: node.entry } : undefined;
  }

  /** The current tree node of a run folder, for `reveal`. */
  findRun(runDir: string): RunsNode | undefined {
    const entry = this.entries.find((e) => e.dir === runDir) ?? readRun(runDir);
    return { kind: 'run', entry };
  }

  private watch(): void {
    this.watcher?.dispose();
    clearInterval(this.pollTimer);
    // The folder may not exist yet (no run trained here): nothing is created just by looking; the poll
    // below and the training's own progress events cover the first run.
    const pattern = new vscode.RelativePattern(vscode.Uri.file(this.root), '**/{run.json,*.safetensors}');
    this.watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const onChange = () => this.refresh();
    this.watcher.onDidCreate(onChange);
    this.watcher.onDidChange(onChange);
    this.watcher.onDidDelete(onChange);
    // Runs folders outside the workspace (global storage, absolute settings) are not always watched by
    // VS Code's file watcher; a slow poll keeps the tree honest there.
    this.pollTimer = setInterval(() => this.refresh(0), 15000);
  }

  dispose(): void {
    this.watcher?.dispose();
    clearInterval(this.pollTimer);
    clearTimeout(this.refreshTimer);
    this.changeEmitter.dispose();
    this.problemEmitter.dispose();
  }
}

/** Eval metrics by step; a run with unreadable metrics still lists its checkpoints (without numbers). */
function checkpointMetrics(runDir: string): Map<number, CheckpointMetrics> {
  const byStep = new Map<number, CheckpointMetrics>();
  try {
    for (const r of readMetrics(runDir)) if (r.kind === 'eval') byStep.set(r.step, r);
  } catch (e) {
    log().warn(e instanceof Error ? e.message : String(e));
  }
  return byStep;
}
