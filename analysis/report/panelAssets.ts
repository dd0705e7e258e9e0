/**
 * The files a panel page is made of, as VS Code loads them: the panel's webview bundle
 * (dist/webviews/<id>.js, built by esbuild from webviews/panels/<id>/main.ts), its stylesheet when it has
 * one (dist/webviews/<id>.css) and the shared media/panel.css. Found beside the running CLI bundle
 * (dist/cli-commands.js) or, from sources (tsx, tests), at the repository's dist/ and media/.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The bundle, and the panel's own stylesheet when it has one (media/panel.css comes separately: shared). */
export interface PanelAssets { script: string; css?: string }

function firstExisting(candidates: string[]): string | undefined {
  return candidates.find((c) => fs.existsSync(c));
}

const webviewDirs = () => [path.join(__dirname, 'webviews'), path.resolve(__dirname, '..', '..', 'dist', 'webviews')];
const mediaDirs = () => [path.resolve(__dirname, '..', 'media'), path.resolve(__dirname, '..', '..', 'media')];

/** The shared stylesheet of every panel. */
export function sharedPanelCss(): string {
  const file = firstExisting(mediaDirs().map((d) => path.join(d, 'panel.css')));
  if (!file) throw new Error(`media/panel.css not found (looked in ${mediaDirs().join(', ')}): is TopoLens installed completely?`);
  return fs.readFileSync(file, 'utf8');
}

export function panelAssets(id: string): PanelAssets {
  const script = firstExisting(webviewDirs().map((d) => path.join(d, `${id}.js`)));
  if (!script) throw new Error(`the ${id} panel's webview bundle (dist/webviews/${id}.js) is missing: build it with \`npm run build\``);
  const css = path.join(path.dirname(script), `${id}.css`);
  return { script: fs.readFileSync(script, 'utf8'), ...(fs.existsSync(css) ? { css: fs.readFileSync(css, 'utf8') } : {}) };
}
