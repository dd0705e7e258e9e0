/**
 * The HTML shell of every panel: strict CSP (`default-src 'none'`, scripts only with a fresh nonce from
 * crypto, styles/fonts/images only from the extension), one bundled script per panel, no remote content.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { panelDocument } from '../../analysis/report/panelDocument';

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...p: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...p)).toString();
  // A panel's own styles (webviews/panels/<id>/style.css imported by its main.ts) come out of esbuild beside its bundle.
  const hasCss = fs.existsSync(vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', `${bundle}.css`).fsPath);
  const panelCss = hasCss ? `\n<link rel="stylesheet" href="${asset('dist', 'webviews', `${bundle}.css`)}">` : '';
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    // data:/blob: images are our own SVG snapshots, rasterised for PNG export
    `img-src ${webview.cspSource} data: blob:`,
  ].join('; ');
  return panelDocument({
    csp,
    title,
    panel: bundle,
    head: `<link rel="stylesheet" href="${asset('dist', 'codicons', 'codicon.css')}" id="vscode-codicon-stylesheet">\n<link rel="stylesheet" href="${asset('media', 'panel.css')}">${panelCss}`,
    scripts: `<script nonce="${nonce}" src="${asset('dist', 'webviews', `${bundle}.js`)}"></script>`,
  });
}

export function panelWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
