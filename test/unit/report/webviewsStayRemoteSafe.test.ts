/**
 * Over VS Code Remote (SSH, containers, WSL, Codespaces) and code-server the webviews run on the user's
 * machine while the runs live on the remote host: a panel that read a local path or fetched a file would
 * break there. So: no webview code reaches for the network or the file system (fetch, XHR, sockets, workers,
 * file/resource URLs, dynamic imports), every panel is created in one place with options whose
 * localResourceRoots are only the extension's dist/ and media/ (the bundles and styles), and the static
 * bridge answers from inlined data only. What the hosts post is checked in report.test.ts (plain JSON data).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { findResponse } from '../../../webviews/shared/staticAnswers';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.(ts|css)$/.test(e.name) ? [p] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/\bfetch\s*\(/, 'fetch()'],
  [/\bXMLHttpRequest\b/, 'XMLHttpRequest'],
  [/\bnew\s+(WebSocket|EventSource|Worker|SharedWorker)\b/, 'a socket or worker'],
  [/navigator\.sendBeacon/, 'sendBeacon'],
  [/\bimport\s*\(/, 'a dynamic import'],
  // XML namespace names (http://www.w3.org/2000/svg) are identifiers, not addresses.
  [/['"`(]\s*(file|vscode-resource|vscode-webview-resource|https?):\/\/(?!www\.w3\.org\/)/, 'a file or remote URL'],
  [/\basWebviewUri\b|\bvscode-cdn\b/, 'a resource URI built in the webview'],
  // url(#clip) points into the same document; url(data:...) is inline.
  [/@import\s|url\(\s*['"]?(?!data:|#)/, 'a stylesheet that loads another resource'],
];

test('webview code never reads files or the network: it only renders the data its host posts', () => {
  const files = sources(path.resolve('webviews'));
  assert.ok(files.length > 20, `only ${files.length} webview sources found`);
  const hits: string[] = [];
  for (const file of files) {
    // Comments may mention what the code does not do.
    const code = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(code)) hits.push(`${path.relative(process.cwd(), file)}: ${what}`);
  }
  assert.deepEqual(hits, []);
});

test('every panel is created by the panel manager with localResourceRoots limited to dist/ and media/', () => {
  const extensionFiles = sources(path.resolve('extension'));
  const creators = extensionFiles.filter((f) => /createWebviewPanel\s*\(|registerWebviewViewProvider\s*\(|createWebviewView/.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(creators.map((f) => path.relative(process.cwd(), f)), [path.join('extension', 'panels', 'panelManager.ts')]);
  const manager = fs.readFileSync(path.resolve('extension/panels/panelManager.ts'), 'utf8');
  const optionAssignments = [...manager.matchAll(/webview\.options\s*=\s*([^;]+);/g)].map((m) => m[1].trim());
  assert.deepEqual(optionAssignments, ['panelWebviewOptions(this.extensionUri)']);
  assert.match(manager, /createWebviewPanel\([^;]*,\s*\{\}\s*\)/, 'the panel is created with no options of its own (they are set from panelWebviewOptions)');
  const html = fs.readFileSync(path.resolve('extension/panels/html.ts'), 'utf8');
  const roots = /localResourceRoots:\s*\[([^\]]*)\]/.exec(html)?.[1] ?? '';
  const folders = [...roots.matchAll(/joinPath\(extensionUri,\s*'([^']+)'\)/g)].map((m) => m[1]);
  assert.deepEqual(folders.sort(), ['dist', 'media']);
  assert.equal(roots.replace(/vscode\.Uri\.joinPath\(extensionUri,\s*'(dist|media)'\)/g, '').replace(/[\s,]/g, ''), '', `localResourceRoots holds something else: ${roots}`);
  assert.match(html, /`default-src 'none'`/);
});

test('the static bridge answers a request from the inlined responses: exact fields first, else the nearest step', () => {
  const responses = [
    { when: { type: 'select', step: 0, layer: 'a' }, nearest: 'step', messages: ['a0'] },
    { when: { type: 'select', step: 10, layer: 'a' }, nearest: 'step', messages: ['a10'] },
    { when: { type: 'select', step: 10, layer: 'b' }, nearest: 'step', messages: ['b10'] },
    { when: { type: 'node', layer: 'a', nodeId: 'n1' }, messages: ['n1'] },
  ];
  assert.deepEqual(findResponse(responses, { type: 'select', step: 10, layer: 'b' })?.messages, ['b10']);
  assert.deepEqual(findResponse(responses, { type: 'select', step: 6, layer: 'a' })?.messages, ['a10']);
  assert.deepEqual(findResponse(responses, { type: 'select', step: 5, layer: 'a' })?.messages, ['a0'], 'a tie goes to the earlier step');
  assert.deepEqual(findResponse(responses, { type: 'select', step: 3, layer: 'b' })?.messages, ['b10'], 'nearest within the same layer only');
  assert.equal(findResponse(responses, { type: 'select', step: 3, layer: 'c' }), undefined);
  // Fields outside `when` (the node's member list) do not matter; a missing one does.
  assert.deepEqual(findResponse(responses, { type: 'node', layer: 'a', nodeId: 'n1', points: [1, 2] })?.messages, ['n1']);
  assert.equal(findResponse(responses, { type: 'node', layer: 'a', nodeId: 'n2' }), undefined);
  assert.deepEqual(findResponse([{ when: { type: 'select', view: { alpha: 1 } }, messages: ['v'] }], { type: 'select', view: { alpha: 1 } })?.messages, ['v'], 'objects compare by value');
});
