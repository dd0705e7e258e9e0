/**
 * Issue 12, remote: code-server is a remote-style host (the extension and its worker run in the server,
 * the workbench and the webviews in the browser), the same split as VS Code Remote (SSH, containers, WSL,
 * Codespaces). Over the whole journey, every URL the browser requested is checked: the webviews loaded
 * their bundles from the extension's dist/ (so the log does see webview resource loads) and never a file of
 * the runs folder (checkpoints, run.json, metrics): panels get compact JSON from the host, not files.
 */
import assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import type { Journey } from '../journey';
import { runsRoot } from '../runFolders';

/** Every request of the browser context from `attach` on, URL-decoded (resource paths arrive encoded). */
export class RequestLog {
  readonly urls: string[] = [];

  attach(context: BrowserContext): void {
    context.on('request', (r) => this.urls.push(decode(r.url())));
  }
}

function decode(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

const RUN_FILES = /\.safetensors\b|\/run\.json\b|\/metrics\.jsonl\b|\/checkpoints\//;

export async function remoteSafetyScenario(j: Journey, log: RequestLog): Promise<void> {
  await j.clock.step('remote-safe: the webviews loaded only the extension\'s assets, never a run file', async () => {
    const runs = runsRoot(j.env.workspace);
    const bundles = log.urls.filter((u) => u.includes('/dist/webviews/'));
    const runFiles = log.urls.filter((u) => u.includes(runs) || RUN_FILES.test(u));
    j.facts.remoteSafety = { requests: log.urls.length, webviewBundleRequests: bundles.length, runFileRequests: runFiles };
    j.clock.log(`browser requests: ${log.urls.length}, of them webview bundles from dist/webviews: ${bundles.length}, run files: ${runFiles.length}`);
    assert.ok(bundles.length > 0, `none of the ${log.urls.length} requests loaded a webview bundle from dist/webviews/: the request log does not see webview resources, so it proves nothing`);
    assert.deepEqual(runFiles, [], 'the browser requested files of the runs folder: a panel read a local path instead of data posted by its host');
  });
}
