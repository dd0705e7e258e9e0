/**
 * The "Training Runs" tree as a user reads it: runs (level 1: name, description "status · backend · ...")
 * and their checkpoints (level 2: "step N"). VS Code's tree is a virtual list: rows are absolutely
 * positioned, only those near the viewport exist, and DOM order is not screen order, so rows are read with
 * their `data-index` and `aria-level` and addressed by `data-index`, never by DOM position.
 */
import type { Locator, Page } from 'playwright-core';

export interface TreeRow {
  /** Position in the tree (the row's data-index). */
  readonly index: number;
  /** 1 for runs, 2 for checkpoints. */
  readonly level: number;
  readonly label: string;
  readonly description: string;
  /** undefined for rows without children. */
  readonly expanded: boolean | undefined;
}

export interface RunRow extends TreeRow {
  /** The checkpoint rows shown under the run (none while it is collapsed). */
  readonly checkpoints: TreeRow[];
}

/** The checkpoint step in a tree row's label ("step 120"), or NaN. */
export function stepOf(label: string): number {
  return Number(/\bstep\s+(\d+)/.exec(label)?.[1]);
}

export class RunsTree {
  constructor(private readonly page: Page) {}

  private rowsLocator(): Locator {
    return this.page.locator('.part.sidebar .monaco-list-row[data-index]');
  }

  /** The tree row at position `index`. */
  row(index: number): Locator {
    return this.page.locator(`.part.sidebar .monaco-list-row[data-index="${index}"]`);
  }

  /** Every rendered row, in tree order. */
  async rows(): Promise<TreeRow[]> {
    const raw = await this.rowsLocator().evaluateAll((els) => els.map((el) => ({
      index: Number(el.getAttribute('data-index')),
      level: Number(el.getAttribute('aria-level') ?? 1),
      label: el.querySelector('.label-name')?.textContent?.trim() ?? '',
      description: el.querySelector('.label-description')?.textContent?.trim() ?? '',
      expanded: el.getAttribute('aria-expanded'),
    })));
    return raw
      .map((r) => ({ ...r, expanded: r.expanded === null ? undefined : r.expanded === 'true' }))
      .sort((a, b) => a.index - b.index);
  }

  /** Runs with the checkpoints shown under each, newest first (the tree's order). */
  async runs(): Promise<RunRow[]> {
    const runs: { row: TreeRow; checkpoints: TreeRow[] }[] = [];
    for (const row of await this.rows()) {
      if (row.level === 1) runs.push({ row, checkpoints: [] });
      else if (row.level === 2 && runs.length > 0) runs[runs.length - 1].checkpoints.push(row);
    }
    return runs.map(({ row, checkpoints }) => ({ ...row, checkpoints }));
  }

  /** Runs labelled exactly `name`, newest first. */
  async runsNamed(name: string): Promise<RunRow[]> {
    return (await this.runs()).filter((r) => r.label === name);
  }

  /**
   * Expands a run with its twistie (a click on the row itself runs the row's command: it opens the panels).
   * Does nothing if it is expanded already; the caller polls for the children.
   */
  async expand(run: TreeRow): Promise<void> {
    if (run.expanded !== false) return;
    await this.row(run.index).locator('.monaco-tl-twistie').click({ timeout: 2_000 }).catch(() => undefined);
  }

  /** Collapses a run (keeps the virtual list short enough to show the rows a step needs). */
  async collapse(run: TreeRow): Promise<void> {
    if (run.expanded !== true) return;
    await this.row(run.index).locator('.monaco-tl-twistie').click({ timeout: 2_000 }).catch(() => undefined);
  }
}
