/**
 * Runs one panel headlessly: loads its controller from the panel registry (the module VS Code loads), lets
 * it answer `ready` on a ReportHost, and records what it posts: the first picture, then the answers to the
 * questions interactions.ts lists, until the panel's byte budget is spent. The result is everything a
 * static page of the panel needs (webviews/protocol/staticPage.ts) plus what the analyses returned.
 */
import type { PanelDefinition } from '../../extension/panels/panelDefinition';
import type { PanelTarget } from '../../webviews/protocol/common';
import type { StaticPageData, StaticResponse } from '../../webviews/protocol/staticPage';
import { panelInteractions } from './interactions';
import { ReportHost, type HostRequest, type ReportHostOptions } from './reportHost';

export interface CapturedPanel {
  id: string;
  /** The title the controller gave the panel ("Weight Barcode — quick @ step 400"). */
  title: string;
  target: PanelTarget;
  page: StaticPageData;
  /** The analysis requests of the first picture, with their results (what `analyze --json` prints). */
  requests: HostRequest[];
  /** Failures of the first picture: the panel has nothing to show. */
  errors: string[];
  /** Questions precomputed, and how many the budget left out. */
  answered: number;
  leftOut: number;
  /** Bytes of the inlined answers (JSON). */
  answerBytes: number;
}

export interface CaptureOptions extends ReportHostOptions {
  /** Bytes of precomputed answers this panel may inline; 0 precomputes nothing (first picture only). */
  budgetBytes: number;
}

export async function capturePanel(panel: PanelDefinition, target: PanelTarget, options: CaptureOptions): Promise<CapturedPanel> {
  const module = await panel.load();
  const host = new ReportHost(panel.id, target, options);
  const controller = module.createController(host);
  try {
    controller.onReady();
    await host.settled();
    const messages = host.take();
    const title = host.title || panel.title;
    const requests = [...host.requests];
    const errors = requests.filter((r) => !r.ok).map((r) => r.message ?? 'failed');
    const interactions = panelInteractions(panel.id, messages as { type: string }[]);
    const responses: StaticResponse[] = [];
    let answerBytes = 0;
    let answered = 0;
    if (errors.length === 0) {
      for (const ask of interactions.asks) {
        if (answerBytes >= options.budgetBytes) break;
        await controller.onViewMessage?.(ask.message);
        await host.settled();
        const reply = host.take();
        const bytes = JSON.stringify(reply).length;
        if (answerBytes + bytes > options.budgetBytes) break;
        answerBytes += bytes;
        answered++;
        responses.push({ when: ask.when, ...(ask.nearest ? { nearest: ask.nearest } : {}), messages: reply });
      }
    }
    return {
      id: panel.id,
      title,
      target,
      page: {
        messages,
        state: { target },
        responses,
        ignore: interactions.ignore,
        disabled: interactions.disabled,
        ...(interactions.missing ? { missing: interactions.missing } : {}),
      },
      requests,
      errors,
      answered,
      leftOut: interactions.asks.length - answered,
      answerBytes,
    };
  } finally {
    controller.dispose?.();
  }
}
