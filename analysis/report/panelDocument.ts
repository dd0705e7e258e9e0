/**
 * The HTML document every panel page is: strict CSP, the panel's stylesheets in <head>, `<body data-panel>`
 * with the `#app` mount point, then the scripts. Shared by the VS Code webview (extension/panels/html.ts,
 * linked assets) and the static page (staticPanelPage.ts, everything inlined).
 */

export interface PanelDocument {
  /** The Content-Security-Policy, already joined. */
  csp: string;
  title: string;
  /** Panel id, on <body data-panel>. */
  panel: string;
  /** Stylesheet <link>s or <style>s. */
  head: string;
  /** The <script> elements, in order. */
  scripts: string;
  /** Extra <body> attributes (a theme class for static pages). */
  bodyAttributes?: string;
}

export function panelDocument(d: PanelDocument): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${d.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
${d.head}
<title>${escapeHtml(d.title)}</title>
</head>
<body data-panel="${escapeHtml(d.panel)}"${d.bodyAttributes ? ` ${d.bodyAttributes}` : ''}>
<div id="app" aria-busy="true"></div>
${d.scripts}
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
