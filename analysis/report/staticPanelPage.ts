/**
 * A panel as a self-contained HTML page: the panel's webview bundle and styles inlined, and the messages its
 * host would have posted inlined as data, replayed by the static bridge (webviews/shared/bridge.ts). The page
 * needs no VS Code and no network: what a headless report (issue 12) is made of, one panel at a time.
 */
import { randomBytes } from 'node:crypto';
import { panelDocument } from './panelDocument';

export interface StaticPanelPage {
  title: string;
  /** The panel's bundle (dist/webviews/<id>.js). */
  script: string;
  /** Stylesheets, in order (media/panel.css, then dist/webviews/<id>.css when the panel has one). */
  styles: string[];
  /** Host messages, in the order the host would post them. */
  messages: unknown[];
  /** The view state the page starts from (PanelStateBase: `{ target, ... }`). */
  state?: unknown;
  /** Panel id, on <body data-panel> as in VS Code. */
  panel: string;
}

export function staticPanelHtml(page: StaticPanelPage): string {
  const nonce = randomBytes(16).toString('base64');
  // JSON inside <script>: escape what could close the element or start a comment.
  const data = JSON.stringify({ messages: page.messages, state: page.state }).replace(/</g, '\\u003c').replace(/-->/g, '--\\>');
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'unsafe-inline'`, `img-src data: blob:`].join('; ');
  return panelDocument({
    csp,
    title: page.title,
    panel: page.panel,
    bodyAttributes: 'class="vscode-light"',
    head: page.styles.map((css) => `<style>${css.replace(/<\/style/gi, '<\\/style')}</style>`).join('\n'),
    scripts: `<script nonce="${nonce}">window.__TOPOLENS_STATIC__ = ${data};</script>\n<script nonce="${nonce}">${page.script.replace(/<\/script/gi, '<\\/script')}</script>`,
  });
}
