/**
 * The "Training Runs" tree: studies (newest first) with their member runs (and the planned members not
 * trained yet), then the runs in no study (newest first); checkpoints are the children of a run. Reads the run store
 * directly (small JSON files, no worker round-trip) so the tree stays live while the worker is busy
 * training, and refreshes on file-system changes under the runs folder (debounced).
 */
import * as vscode from 'vscode';
import { listRuns, readMetrics, readRun, type RunEntry } from '../../analysis/store/runStore';
import { listStudies } from '../../analysis/store/studyStore';
import type { StudyEntry } from '../../analysis/worker/protocol/studies';
import { checkpointTreeItem, missingMemberTreeItem, runTreeItem, studyTreeItem, type CheckpointMetrics, type RunsNode } from './runItems';
import { log } from '../log';

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private entries: RunEntry[] = [];
  private studies: StudyEntry[] = [];
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
    switch (node.kind) {
      case 'study': return studyTreeItem(node.study);
      case 'missingMember': return missingMemberTreeItem(node.study, node.planned);
      case 'run': return runTreeItem(node.entry, node.studyId !== undefined);
      case 'checkpoint': return checkpointTreeItem(node.entry, node.checkpoint, node.metrics);
    }
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
      try {
        this.studies = listStudies(this.root, this.entries).sort((a, b) => b.id.localeCompare(a.id));
      } catch (e) {
        log().error(e instanceof Error ? e.message : String(e));
        this.studies = [];
      }
      const grouped = new Set(this.studies.flatMap((s) => s.members.map((m) => m.runDir)));
      return [
        ...this.studies.map((study): RunsNode => ({ kind: 'study', study })),
        ...this.entries.filter((e) => !grouped.has(e.dir)).map((entry): RunsNode => ({ kind: 'run', entry })),
      ];
    }
    if (node.kind === 'study') {
      const byDir = new Map(this.entries.map((e) => [e.dir, e]));
      const members = node.study.members.map((m): RunsNode => ({ kind: 'run', entry: byDir.get(m.runDir) ?? readRun(m.runDir), studyId: node.study.id }));
      const missing = node.study.planned.filter((p) => p.runDirs.length === 0).map((planned): RunsNode => ({ kind: 'missingMember', study: node.study, planned }));
      return [...members, ...missing];
    }
    if (node.kind === 'run') {
      const fresh = readRun(node.entry.dir);
      const metrics = checkpointMetrics(fresh.dir);
      return fresh.checkpoints.map((checkpoint) => ({ kind: 'checkpoint', entry: fresh, checkpoint, metrics: metrics.get(checkpoint.step) }));
    }
    return [];
  }

  getParent(node: RunsNode): RunsNode | undefined {
    if (node.kind === 'checkpoint') return this.runNode(node.entry);
    if (node.kind === 'missingMember') return { kind: 'study', study: node.study };
    if (node.kind === 'run' && node.studyId !== undefined) {
      const study = this.studies.find((s) => s.id === node.studyId);
      return study ? { kind: 'study', study } : undefined;
    }
    return undefined;
  }

  /** A run's node, inside its study when it has one (tree ids must match what getChildren returned). */
  private runNode(entry: RunEntry): RunsNode {
    const studyId = this.studies.find((s) => s.members.some((m) => m.runDir === entry.dir))?.id;
    return { kind: 'run', entry, studyId };
  }

  /** The current tree node of a run folder, for `reveal`. */
  findRun(runDir: string): RunsNode | undefined {
    return this.runNode(this.entries.find((e) => e.dir === runDir) ?? readRun(runDir));
  }

  /** Studies as last listed (the Train & Analyze picker and commands on selections use them). */
  get knownStudies(): readonly StudyEntry[] {
    return this.studies;
  }

  private watch(): void {
    this.watcher?.dispose();
    clearInterval(this.pollTimer);
    // The folder may not exist yet (no run trained here): nothing is created just by looking; the poll
    // below and the training's own progress events cover the first run.
    const pattern = new vscode.RelativePattern(vscode.Uri.file(this.root), '**/{run.json,study.json,*.safetensors}');
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
