/**
 * A panel host without VS Code: the panel's own controller (extension/panels/<id>/controller.ts) runs
 * against it, its worker requests run in-process through the worker's job runner (executeJob: the same
 * analysis definitions, the same cache files under `<run or study>/analysis/`), and what it posts is
 * recorded for a static page to replay. Progress goes to the caller (the CLI's bars), not into the page.
 */
import type { RequestType } from 'vscode-jsonrpc';
import type { OfferedFile, PanelHost } from '../../extension/panels/panelHost';
import type { CommonHostMessage, PanelTarget } from '../../webviews/protocol/common';
import { STATIC_DOWNLOAD, type StaticDownloadMessage } from '../../webviews/protocol/staticPage';
import { plainContext } from '../analyses/definition';
import { executeJob } from '../worker/runner/executeJob';
import { analysisNameOf, type AnalysisParams } from '../worker/protocol/analysis';

/** One request the controller made, as the CLI reports it. */
export interface HostRequest { analysis: string; ok: boolean; cached: boolean; ms: number; message?: string; result?: unknown }

export interface ReportHostOptions {
  /** Progress of the analysis running now: its name, fraction 0..1 when known, a short message. */
  onProgress?(analysis: string, fraction: number | undefined, message?: string): void;
}

export class ReportHost implements PanelHost {
  title = '';
  private recorded: object[] = [];
  /** Every request in order, with its outcome (the analyze command reports and prints these). */
  readonly requests: HostRequest[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly latest = new Map<string, number>();
  private sequence = 0;

  constructor(readonly id: string, public target: PanelTarget | undefined, private readonly options: ReportHostOptions = {}, readonly restoredState?: unknown) {}

  post(message: { type: string } | CommonHostMessage): void {
    // Progress is for a live page; a replayed page would only flash it.
    if (message.type !== 'progress') this.recorded.push(message);
  }

  setTitle(title: string): void {
    this.title = title;
  }

  /** No other view listens here; the report page links steps between its frames itself. */
  linkStep(): void {}

  cancel(...keys: string[]): void {
    for (const key of keys) this.latest.set(key, ++this.sequence);
  }

  request<P extends AnalysisParams, R>(type: RequestType<P, R, void>, params: Omit<P, 'workDoneToken'>, key: string = type.method): Promise<R | undefined> {
    const mine = ++this.sequence;
    this.latest.set(key, mine);
    const analysis = analysisNameOf(type.method) ?? type.method;
    const started = Date.now();
    const context = plainContext({ onProgress: (f, m) => this.options.onProgress?.(analysis, f, m) });
    const job = (async (): Promise<R | undefined> => {
      const outcome = await executeJob(analysis, params, context);
      if (this.latest.get(key) !== mine) return undefined;
      if (!outcome.ok) {
        this.requests.push({ analysis, ok: false, cached: false, ms: Date.now() - started, message: outcome.message });
        this.post({ type: 'error', message: outcome.message });
        return undefined;
      }
      this.requests.push({ analysis, ok: true, cached: outcome.cached, ms: Date.now() - started, result: outcome.result });
      return outcome.result as R;
    })();
    this.pending.add(job);
    void job.finally(() => {
      this.pending.delete(job);
      // As in VS Code: the status line's "Computing…" ends with the last request (an error posted stays).
      if (this.pending.size === 0) this.post({ type: 'idle' });
    });
    return job;
  }

  async offerFile(file: OfferedFile): Promise<void> {
    const download: StaticDownloadMessage = { type: STATIC_DOWNLOAD, name: file.suggestedName, mime: file.mime, text: file.text };
    this.recorded.push(download);
  }

  /** Resolves once no request is in flight and none was started meanwhile (controllers chain requests). */
  async settled(): Promise<void> {
    for (;;) {
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      // Let continuations that start the next request (`await request(); request()`) run first.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.pending.size === 0) return;
    }
  }

  /** The messages recorded since the last call. */
  take(): object[] {
    const out = this.recorded;
    this.recorded = [];
    return out;
  }
}
