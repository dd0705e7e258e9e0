/**
 * The report as one self-contained HTML file: a header (the runs, their configs in brief, when it was made),
 * a table of contents, and one section per panel with the panel's own webview bundle in a sandboxed iframe
 * (srcdoc) replaying the inlined host messages. No network: every script, style and datum is in the file;
 * one Content-Security-Policy (`default-src 'none'`, scripts by nonce) covers the page and, inherited, its
 * frames. Each bundle and stylesheet is stored once however many panels use it; a small script assembles
 * each frame's document, sizes frames to their content, and answers "open panel" and linked steps between
 * frames (a dashboard's analysis buttons scroll to that panel's section).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { RunJson } from '../spec/runFormat';
import type { StaticPageData } from '../../webviews/protocol/staticPage';
import { panelDocument } from './panelDocument';
import type { PanelAssets } from './panelAssets';
import { themeBodyClass, themeCss } from './reportTheme';

export interface ReportRun { runDir: string; id: string; run?: RunJson; problem?: string; checkpoints: number }

export interface ReportPanel {
  /** Section anchor, unique in the report. */
  anchor: string;
  panel: string;
  /** Heading (the title the controller gave it) and what the panel shows. */
  title: string;
  description: string;
  /** Run folders it shows (for "open panel" and linked steps). */
  runDirs: string[];
  page: StaticPageData;
  /** One line under the heading: what the report precomputed for its controls. */
  note?: string;
}

export interface ReportModel {
  title: string;
  generatedAt: Date;
  version: string;
  runs: ReportRun[];
  studyDir?: string;
  panels: ReportPanel[];
  /** Panels not in the report, and why. */
  notes: { title: string; reason: string }[];
  /** Bundles by panel id, and media/panel.css. */
  assets: Record<string, PanelAssets>;
  sharedCss: string;
  theme?: 'light' | 'dark' | 'auto';
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
/** JSON that is safe inside <script type="application/json"> (nothing can close the element). */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** Placeholders of a frame document, filled in by the page script (bundles are stored once). */
const STYLES_SLOT = '@@TOPOLENS_STYLES@@';
const DATA_SLOT = '@@TOPOLENS_DATA@@';
const SCRIPT_SLOT = '@@TOPOLENS_SCRIPT@@';

export function reportHtml(model: ReportModel): string {
  const nonce = randomBytes(16).toString('base64');
  // Frames (srcdoc) inherit this policy and add their own (the same); both allow only what panels use:
  // nonce scripts, inline styles (web components set style attributes), images drawn from data:/blob:
  // (PNG export) and the frames themselves.
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'unsafe-inline'`, `img-src data: blob:`, `frame-src 'self' about: data: blob:`].join('; ');
  const theme = model.theme ?? 'auto';
  const frameDoc = (p: ReportPanel) => panelDocument({
    csp: [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'unsafe-inline'`, `img-src data: blob:`].join('; '),
    title: p.title,
    panel: p.panel,
    bodyAttributes: `class="${themeBodyClass(theme === 'dark' ? 'dark' : 'light')} topolens-static"`,
    head: STYLES_SLOT,
    scripts: `<script nonce="${nonce}">window.__TOPOLENS_STATIC__ = ${DATA_SLOT};</script>\n<script nonce="${nonce}">${SCRIPT_SLOT}</script>`,
  });
  const frames = model.panels.map((p) => ({ anchor: p.anchor, panel: p.panel, runDirs: p.runDirs, doc: frameDoc(p), data: p.page }));
  const usedIds = [...new Set(model.panels.map((p) => p.panel))];
  const bundles = Object.fromEntries(usedIds.map((id) => [id, model.assets[id]]));
  const frameCss = `${themeCss(theme)}\n${model.sharedCss}\n.topolens-static [disabled] { cursor: not-allowed; }\n`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="TopoLens ${escapeHtml(model.version)}">
<title>${escapeHtml(model.title)}</title>
<style>
${themeCss(theme)}
${PAGE_CSS}
</style>
</head>
<body>
<header class="report-header">
<h1>${escapeHtml(model.title)}</h1>
<p class="meta">Made ${escapeHtml(model.generatedAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))} by TopoLens ${escapeHtml(model.version)} (<code>topolens report</code>) · ${model.runs.length} run${model.runs.length === 1 ? '' : 's'}${model.studyDir ? ` · study <code>${escapeHtml(path.basename(model.studyDir))}</code>` : ''} · ${model.panels.length} panel${model.panels.length === 1 ? '' : 's'} · works offline: every chart is interactive (hover, scrub, export PNG/SVG/CSV)</p>
${runsTable(model.runs)}
</header>
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
<ol>
${model.panels.map((p) => `<li><a href="#${p.anchor}">${escapeHtml(p.title)}</a></li>`).join('\n')}
</ol>
${model.notes.length ? `<h3>Not in this report</h3>\n<ul class="notes">\n${model.notes.map((n) => `<li><b>${escapeHtml(n.title)}</b>: ${escapeHtml(n.reason)}</li>`).join('\n')}\n</ul>` : ''}
</nav>
<main>
${model.panels.map((p) => `<section class="panel" id="${p.anchor}" data-panel="${escapeHtml(p.panel)}" data-state="loading">
<h2><a href="#${p.anchor}">${escapeHtml(p.title)}</a></h2>
<p class="description">${escapeHtml(p.description)}${p.note ? ` <span class="note">${escapeHtml(p.note)}</span>` : ''}</p>
<iframe sandbox="allow-scripts allow-downloads" title="${escapeHtml(p.title)}" data-anchor="${p.anchor}"></iframe>
</section>`).join('\n')}
</main>
<div id="toast" role="status" aria-live="polite" hidden></div>
<script type="application/json" id="topolens-frame-css">${scriptJson(frameCss)}</script>
<script type="application/json" id="topolens-bundles">${scriptJson(bundles)}</script>
<script type="application/json" id="topolens-frames">${scriptJson(frames)}</script>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function runsTable(runs: ReportRun[]): string {
  const rows = runs.map((r) => {
    const j = r.run;
    if (!j) return `<tr><td>${escapeHtml(r.id)}</td><td colspan="7" class="problem">unreadable: ${escapeHtml(r.problem ?? 'no run.json')}</td></tr>`;
    // Units of a dense layer: the out dimension of its kernel [in, out].
    const units = (l: NonNullable<RunJson['shape']>['layers'][number]) => l.weights.find((w) => w.shape.length === 2)?.shape[1];
    const dense = j.shape?.layers.filter((l) => l.type === 'dense') ?? [];
    const layers = j.shape && dense.every((l) => units(l) !== undefined) ? [j.shape.inputShape.join('×'), ...dense.map((l) => String(units(l)))].join('-') : '';
    // An imported run has no TopoLens config: its source says where it came from.
    const c = 'config' in j ? j.config : undefined;
    const source = 'source' in j && j.source?.kind === 'imported' ? j.source : undefined;
    const activation = c && 'activation' in c.model ? c.model.activation : j.shape?.layers[0]?.activation;
    const model = `${c?.model.kind ?? 'mlp'}${layers ? ` ${layers}` : ''}${activation ? ` ${activation}` : ''}`;
    const data = c ? (c.dataset.kind === 'toy' ? `toy ${c.dataset.shape}` : c.dataset.kind) : j.shape?.dataset ?? '–';
    const opt = c ? `${c.optimizer.kind} lr ${c.optimizer.lr}${c.weightDecay ? `, wd ${c.weightDecay}` : ''}, batch ${c.batchSize}, ${c.epochs} epochs`
      : source ? `imported from ${source.format} (${source.dir})` : '–';
    const acc = j.summary?.testAccuracy ?? j.summary?.trainAccuracy;
    const accText = acc === undefined ? '–' : `${(100 * acc).toFixed(1)}%${j.summary?.testAccuracy === undefined ? ' (train)' : ''}`;
    return `<tr><td title="${escapeHtml(r.runDir)}">${escapeHtml(j.name)}</td><td><span class="badge status-${escapeHtml(j.status)}">${escapeHtml(j.status)}</span></td><td>${escapeHtml(data)}</td><td>${escapeHtml(model)}</td><td>${escapeHtml(opt)}</td><td class="num">${r.checkpoints}</td><td class="num">${accText}</td><td>${escapeHtml(j.createdAt.slice(0, 16).replace('T', ' '))}</td></tr>`;
  });
  return `<table class="runs">
<thead><tr><th>run</th><th>status</th><th>data</th><th>model</th><th>training</th><th class="num">checkpoints</th><th class="num">accuracy</th><th>created</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

const PAGE_CSS = `
html { scroll-behavior: smooth; }
body { margin: 0; padding: 0 32px 48px; max-width: 1280px; margin-inline: auto; color: var(--vscode-foreground);
  background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: 14px; line-height: 1.45; }
h1 { font-size: 1.8em; font-weight: 600; margin: 28px 0 4px; }
h2 { font-size: 1.3em; font-weight: 600; margin: 0 0 4px; }
h2 a { color: inherit; text-decoration: none; }
h3 { font-size: 1em; font-weight: 600; margin: 16px 0 6px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .92em; }
.meta, .description { color: var(--vscode-descriptionForeground); margin: 0 0 12px; }
.note { font-style: italic; }
table.runs { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-variant-numeric: tabular-nums; }
table.runs th, table.runs td { text-align: left; padding: 5px 12px 5px 0; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; }
table.runs th { color: var(--vscode-descriptionForeground); font-weight: 500; }
table.runs .num { text-align: right; }
.problem { color: var(--vscode-errorForeground); }
.badge { padding: 1px 7px; border-radius: 9px; font-size: .85em; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.badge.status-completed { background: var(--vscode-testing-iconPassed); color: #fff; }
.badge.status-failed { background: var(--vscode-errorForeground); color: #fff; }
.toc { margin: 20px 0 8px; padding: 14px 18px; border: 1px solid var(--vscode-panel-border); border-radius: 6px; }
.toc ol { margin: 6px 0 0; padding-left: 1.4em; columns: 2; column-gap: 32px; }
.toc li { margin: 2px 0; break-inside: avoid; }
.toc a { color: var(--vscode-list-highlightForeground); text-decoration: none; }
.toc a:hover { text-decoration: underline; }
.notes { margin: 4px 0 0; padding-left: 1.2em; color: var(--vscode-descriptionForeground); }
section.panel { margin: 28px 0 0; padding-top: 18px; border-top: 1px solid var(--vscode-panel-border); }
section.panel:target h2, section.panel.flash h2 { color: var(--vscode-focusBorder); }
section.panel iframe { display: block; width: 100%; height: 640px; border: 1px solid var(--vscode-panel-border); border-radius: 6px;
  background: var(--vscode-editor-background); }
#toast { position: fixed; bottom: 18px; left: 50%; transform: translateX(-50%); padding: 8px 14px; border-radius: 4px; max-width: 70ch;
  background: var(--vscode-editorHoverWidget-background); color: var(--vscode-editorHoverWidget-foreground);
  border: 1px solid var(--vscode-editorHoverWidget-border); box-shadow: 0 2px 8px var(--vscode-widget-shadow); }
#toast[hidden] { display: none; }
@media print { section.panel { break-inside: avoid; } .toc { break-after: page; } }
`;

/**
 * Runs in the report page (not a panel): builds each frame's document from the stored bundle, styles and
 * data; sizes each frame to the height its bridge reports; marks a section rendered when its bridge says so
 * (data-state, data-svgs: what the PNG renderer and the tests wait for); scrolls to a panel a frame asks to
 * open; and relays a step picked in one frame to the other frames of that run.
 */
const PAGE_SCRIPT = `
(() => {
  const json = (id) => JSON.parse(document.getElementById(id).textContent);
  const css = json('topolens-frame-css');
  const bundles = json('topolens-bundles');
  const frames = json('topolens-frames');
  const inline = (s) => s.replace(/<\\/(script|style)/gi, '<\\\\/$1');
  const byWindow = new Map();
  const toast = document.getElementById('toast');
  let toastTimer;
  const say = (text) => { toast.textContent = text; toast.hidden = false; clearTimeout(toastTimer); toastTimer = setTimeout(() => { toast.hidden = true; }, 5000); };
  for (const f of frames) {
    const iframe = document.querySelector('iframe[data-anchor="' + f.anchor + '"]');
    const b = bundles[f.panel];
    const styles = '<style>' + inline(css) + '</style>' + (b.css ? '<style>' + inline(b.css) + '</style>' : '');
    const data = JSON.stringify(f.data).replace(/</g, '\\\\u003c');
    iframe.srcdoc = f.doc.split('${STYLES_SLOT}').join(styles).split('${DATA_SLOT}').join(data).split('${SCRIPT_SLOT}').join(inline(b.script));
    byWindow.set(iframe.contentWindow, { frame: f, iframe, section: iframe.closest('section') });
  }
  window.addEventListener('message', (event) => {
    const from = byWindow.get(event.source);
    const m = event.data;
    if (!from || !m || typeof m.topolens !== 'string') return;
    if (m.topolens === 'height') from.iframe.style.height = Math.max(200, Math.min(4000, m.height + 2)) + 'px';
    else if (m.topolens === 'rendered') { from.section.dataset.state = 'rendered'; from.section.dataset.svgs = String(m.svgs); }
    else if (m.topolens === 'openPanel') {
      const hit = [...byWindow.values()].find((o) => o.frame.panel === m.panel && m.runDirs.every((d) => o.frame.runDirs.includes(d)))
        || [...byWindow.values()].find((o) => o.frame.panel === m.panel);
      if (!hit) return say('That panel is not in this report (see "Not in this report" at the top).');
      hit.section.scrollIntoView({ behavior: 'smooth', block: 'start' });
      hit.section.classList.add('flash');
      setTimeout(() => hit.section.classList.remove('flash'), 1500);
    } else if (m.topolens === 'linkStep') {
      for (const o of byWindow.values()) {
        if (o !== from && o.frame.runDirs.includes(m.runDir)) o.iframe.contentWindow.postMessage({ topolens: 'linkedStep', runDir: m.runDir, step: m.step }, '*');
      }
    } else if (m.topolens === 'unanswered') from.section.dataset.unanswered = (from.section.dataset.unanswered || '') + m.type + ' ';
  });
})();
`;
