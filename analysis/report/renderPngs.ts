/**
 * Every panel of a report as a PNG, through headless Chromium (playwright-core drives a browser already on
 * the machine; it downloads nothing). The report is opened offline (every request other than the file
 * itself is refused), each panel frame is waited for until its bridge says it rendered, and the frame is
 * captured at its full height. Also used by the report's browser test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where Chromium usually is: TOPOLENS_CHROMIUM first, then Debian/Ubuntu/Homebrew/macOS locations. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.TOPOLENS_CHROMIUM, env.TOPOLENS_E2E_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable', '/snap/bin/chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium'].filter((c): c is string => !!c);
  return candidates.find((c) => fs.existsSync(c));
}

export const NO_CHROMIUM = 'no Chromium found for --png (looked at $TOPOLENS_CHROMIUM, /usr/bin/chromium, /usr/bin/google-chrome and the usual macOS paths): ' +
  'install one (Debian/Ubuntu: apt install chromium) or set TOPOLENS_CHROMIUM to its executable. The HTML report was written anyway.';

export interface RenderedPanel { anchor: string; panel: string; file: string; svgs: number }

export interface OpenedReport {
  /** Requests other than the report file itself (all refused): must stay empty. */
  blockedRequests: string[];
  consoleErrors: string[];
}

/**
 * playwright-core is required at run time only (a computed name, so esbuild leaves it out of the CLI bundle:
 * analyze and report without --png never load it, and a CLI installed without it says what to install).
 */
function loadPlaywright(): typeof import('playwright-core') {
  const name = 'playwright-core';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as typeof import('playwright-core');
  } catch (e) {
    throw new Error(`--png drives Chromium through the npm package playwright-core, which is not installed here (${(e as Error).message.split('\n')[0]}): npm install playwright-core`, { cause: e });
  }
}

async function launch(executablePath: string) {
  const { chromium } = loadPlaywright();
  return chromium.launch({ executablePath, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

/**
 * Opens the report offline and waits until every panel rendered (or `timeoutMs`); `use` gets the page.
 * Console errors and attempted requests are collected for the caller to judge.
 */
export async function withOpenReport<T>(reportFile: string, use: (page: import('playwright-core').Page, opened: OpenedReport) => Promise<T>, options: { chromium?: string; timeoutMs?: number; width?: number } = {}): Promise<T> {
  const executablePath = options.chromium ?? findChromium();
  if (!executablePath) throw new Error(NO_CHROMIUM);
  const browser = await launch(executablePath);
  try {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 900 }, colorScheme: 'light', deviceScaleFactor: 1, acceptDownloads: true });
    const reportUrl = pathToFileURL(path.resolve(reportFile)).href;
    const opened: OpenedReport = { blockedRequests: [], consoleErrors: [] };
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === reportUrl) return route.continue();
      opened.blockedRequests.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') opened.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => opened.consoleErrors.push(e.message));
    await page.goto(reportUrl);
    const sections = page.locator('section.panel');
    const count = await sections.count();
    // Polled from here: the page's CSP (rightly) forbids the string evaluation waitForFunction would use.
    const rendered = page.locator('section.panel[data-state="rendered"]');
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    while ((await rendered.count()) < count) {
      if (Date.now() > deadline) {
        const pending = await page.locator('section.panel:not([data-state="rendered"])').evaluateAll((els) => els.map((e) => e.id));
        throw new Error(`the report's panels did not all render in time (still loading: ${pending.join(', ')}; page errors: ${JSON.stringify(opened.consoleErrors.slice(0, 3))})`);
      }
      await page.waitForTimeout(100);
    }
    return await use(page, opened);
  } finally {
    await browser.close();
  }
}

/** Writes `<dir>/<NN>-<panel>-<run>.png` per panel section (frame at full height); returns what it wrote. */
export async function renderPanelPngs(reportFile: string, dir: string, options: { chromium?: string; timeoutMs?: number } = {}): Promise<RenderedPanel[]> {
  fs.mkdirSync(dir, { recursive: true });
  const width = 1280;
  return withOpenReport(reportFile, async (page) => {
    const out: RenderedPanel[] = [];
    const sections = await page.locator('section.panel').evaluateAll((els) => els.map((e) => ({ anchor: e.id, panel: e.getAttribute('data-panel') ?? '', svgs: Number(e.getAttribute('data-svgs') ?? 0) })));
    // Heights settle after the last resize message; give the frames a moment.
    await page.waitForTimeout(300);
    for (const s of sections) {
      const file = path.join(dir, `${s.anchor}.png`);
      const frame = page.locator(`section#${s.anchor} iframe`);
      // The whole frame in the viewport: Chromium does not paint the parts of a frame outside it.
      const box = await frame.boundingBox();
      await page.setViewportSize({ width, height: Math.ceil(Math.max(600, Math.min(8000, (box?.height ?? 600) + 20))) });
      await frame.scrollIntoViewIfNeeded();
      await page.waitForTimeout(150);
      await frame.screenshot({ path: file });
      out.push({ ...s, file });
    }
    return out;
  }, { ...options, width });
}
