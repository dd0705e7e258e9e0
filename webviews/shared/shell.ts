/**
 * The frame every panel lives in: header (title, subtitle), a controls bar with the export buttons at its
 * end, a status line (loading with progress, errors naming what went wrong, "exported to ..."), and the
 * content area. It owns the bridge (VS Code or a static report page), answers the common host messages
 * itself and hands the panel only its own messages, so a panel's main.ts is about its charts.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { connectBridge, type PanelBridge } from './bridge';
import { el } from './dom';
import { standaloneSvg, svgToPngBase64, toCsv } from './export';
import { onThemeChange, themeColor } from './theme';
import type { CommonHostMessage, CommonViewMessage, ExportRequest } from '../protocol/common';

export interface CsvTable { header: string[]; rows: (string | number | null)[][] }

export interface ExportSources {
  /** File name without extension ("quick-step400-weight-barcode"). */
  name(): string;
  /** The chart to export as SVG (and as PNG unless `png` is given). */
  svg?(): SVGSVGElement | undefined;
  /** A canvas-drawn chart exports its pixels as PNG. */
  png?(): SVGSVGElement | HTMLCanvasElement | undefined;
  csv?(): CsvTable | undefined;
}

export interface ShellOptions<HostMsg> {
  title: string;
  /** One sentence under the content saying how to read the panel. */
  explain?: string;
  exports?: ExportSources;
  /** The panel's own host messages (and `linkedStep`); loading/progress/error/exported are the shell's. */
  onMessage(message: HostMsg): void;
  /** Redraw on theme changes (colours are read from CSS variables at draw time). */
  onThemeChange?(): void;
}

export interface StatusLine {
  clear(): void;
  loading(text: string, fraction?: number): void;
  error(text: string): void;
  ok(text: string): void;
}

export interface Shell<ViewMsg, State> {
  readonly bridge: PanelBridge<unknown, ViewMsg | CommonViewMessage, State>;
  readonly title: HTMLElement;
  readonly subtitle: HTMLElement;
  readonly controls: HTMLElement;
  readonly status: StatusLine;
  readonly content: HTMLElement;
  post(message: ViewMsg | CommonViewMessage): void;
  /** Adds a labelled control before the export buttons. */
  addControl(label: string, control: HTMLElement): HTMLElement;
  state(): State | undefined;
  saveState(state: State): void;
}

type ShellHandled = Exclude<CommonHostMessage['type'], 'linkedStep'>;
const SHELL_TYPES = new Set<string>(['loading', 'progress', 'idle', 'error', 'exported'] satisfies ShellHandled[]);

export function createShell<HostMsg extends { type: string }, ViewMsg extends { type: string }, State>(options: ShellOptions<HostMsg>): Shell<ViewMsg, State> {
  const app = (document.getElementById('app') ?? document.body.appendChild(el('div', { id: 'app' }))) as HTMLElement;
  const bridge = connectBridge<HostMsg | CommonHostMessage, ViewMsg | CommonViewMessage, State>();
  const title = el('h1', {}, options.title);
  const subtitle = el('div', { class: 'subtitle' });
  const controls = el('div', { class: 'controls' });
  const exportsBox = el('span', { class: 'exports' });
  controls.append(el('span', { class: 'spacer' }), exportsBox);
  const statusNode = el('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const progressBar = el('div', { class: 'progress', hidden: '' }, el('div', { class: 'progress-fill' }));
  const content = el('main', { class: 'content' });
  app.append(el('header', { class: 'panel-header' }, title, subtitle), controls, statusNode, progressBar, content);
  if (options.explain) app.append(el('p', { class: 'explain' }, options.explain));
  app.removeAttribute('aria-busy');

  const setStatus = (kind: '' | 'loading' | 'error' | 'ok', text: string, fraction?: number) => {
    statusNode.textContent = text;
    statusNode.className = kind ? `status ${kind}` : 'status';
    progressBar.hidden = kind !== 'loading' || fraction === undefined;
    if (fraction !== undefined) (progressBar.firstChild as HTMLElement).style.width = `${Math.round(100 * Math.min(1, Math.max(0, fraction)))}%`;
  };
  const status: StatusLine = {
    clear: () => setStatus('', ''),
    loading: (text, fraction) => setStatus('loading', text, fraction),
    error: (text) => setStatus('error', text),
    ok: (text) => setStatus('ok', text),
  };
  const post = (message: ViewMsg | CommonViewMessage) => bridge.post(message);

  if (options.exports) addExportButtons(exportsBox, options.exports, post, status, bridge.kind === 'static');
  if (options.onThemeChange) onThemeChange(options.onThemeChange);

  let lastLoadingText = '';
  bridge.listen((message) => {
    if (!SHELL_TYPES.has(message.type)) return options.onMessage(message as HostMsg);
    const m = message as Exclude<CommonHostMessage, { type: 'linkedStep' }>;
    switch (m.type) {
      case 'loading': lastLoadingText = m.text; return status.loading(m.text);
      case 'progress': return status.loading(m.text ?? lastLoadingText, m.fraction);
      case 'idle': if (statusNode.classList.contains('loading')) status.clear(); return;
      case 'error': return status.error(m.message);
      case 'exported': return status.ok(`Exported ${m.format.toUpperCase()} to ${m.path}`);
    }
  });

  return {
    bridge,
    title,
    subtitle,
    controls,
    status,
    content,
    post,
    addControl(label, control) {
      const wrapper = el('label', { class: 'control' }, el('span', { class: 'control-label' }, label), control);
      controls.insertBefore(wrapper, controls.querySelector('.spacer'));
      return wrapper;
    },
    state: () => bridge.state(),
    saveState: (s) => bridge.saveState(s),
  };
}

function addExportButtons(box: HTMLElement, sources: ExportSources, post: (m: ExportRequest) => void, status: StatusLine, inReport: boolean): void {
  const background = () => themeColor('--vscode-editor-background', '#1e1e1e');
  const button = (format: ExportRequest['format'], tip: string, make: () => Promise<string | undefined> | string | undefined) => {
    const b = el('vscode-button', { id: `export-${format}`, secondary: '', title: tip }, `Export ${format.toUpperCase()}`);
    b.addEventListener('click', async () => {
      try {
        const data = await make();
        if (data === undefined) return status.error('Nothing to export yet.');
        post({ type: 'export', format, suggestedName: sources.name(), data });
        if (inReport) status.ok(`Downloaded ${format.toUpperCase()}`);
      } catch (e) {
        status.error(`${format.toUpperCase()} export failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
    box.append(b);
  };
  const pngSource = sources.png ?? sources.svg;
  if (pngSource) {
    button('png', 'Export the chart as PNG (2x)', async () => {
      const node = pngSource();
      if (!node) return undefined;
      if (node instanceof HTMLCanvasElement) return node.toDataURL('image/png').split(',')[1];
      const { width, height } = node.getBoundingClientRect();
      return svgToPngBase64(standaloneSvg(node, background()), width, height, 2);
    });
  }
  if (sources.svg) button('svg', 'Export the chart as SVG', () => {
    const node = sources.svg?.();
    return node ? standaloneSvg(node, background()) : undefined;
  });
  if (sources.csv) button('csv', 'Export the data as CSV', () => {
    const table = sources.csv?.();
    return table ? toCsv(table.header, table.rows) : undefined;
  });
}
