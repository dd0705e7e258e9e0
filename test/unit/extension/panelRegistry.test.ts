/**
 * package.json's panel contributions against the panel registry (extension/panels/registry.ts): every
 * panel has its open command, its activation event and a webview bundle entry; nothing in package.json
 * names a panel the registry does not have. The registry is imported for real (its controllers load lazily,
 * so no `vscode` is needed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PANELS } from '../../../extension/panels/registry';
import { panelCommand, panelViewType } from '../../../extension/panels/panelDefinition';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { commands: { command: string; title: string; category?: string }[] };
};

test('every registered panel has its command, activation event and webview bundle', () => {
  assert.ok(PANELS.length >= 2);
  for (const p of PANELS) {
    const command = pkg.contributes.commands.find((c) => c.command === panelCommand(p.id));
    assert.ok(command, `package.json contributes.commands lacks ${panelCommand(p.id)} (panel ${p.id})`);
    assert.equal(command.title, `Open ${p.title}`, `title of ${command.command}`);
    assert.equal(command.category, 'TopoLens');
    assert.ok(pkg.activationEvents.includes(`onWebviewPanel:${panelViewType(p.id)}`), `activationEvents lacks onWebviewPanel:${panelViewType(p.id)}`);
    assert.ok(fs.existsSync(path.join(root, 'webviews', 'panels', p.id, 'main.ts')), `webviews/panels/${p.id}/main.ts is missing`);
    assert.ok(fs.existsSync(path.join(root, 'webviews', 'panels', p.id, 'protocol.ts')), `webviews/panels/${p.id}/protocol.ts is missing`);
    assert.ok(fs.existsSync(path.join(root, 'extension', 'panels', p.id, 'controller.ts')), `extension/panels/${p.id}/controller.ts is missing`);
  }
});

test('package.json names no panel the registry lacks, and ids are unique', () => {
  const ids = new Set(PANELS.map((p) => p.id));
  assert.equal(ids.size, PANELS.length, 'duplicate panel ids');
  for (const c of pkg.contributes.commands.filter((x) => x.command.startsWith('topolens.panel.'))) {
    assert.ok(ids.has(c.command.slice('topolens.panel.'.length)), `${c.command} has no panel in extension/panels/registry.ts`);
  }
  for (const e of pkg.activationEvents.filter((x) => x.startsWith('onWebviewPanel:'))) {
    assert.ok(ids.has(e.slice('onWebviewPanel:topolens.'.length)), `${e} has no panel in extension/panels/registry.ts`);
  }
  for (const dir of fs.readdirSync(path.join(root, 'webviews', 'panels'))) {
    assert.ok(ids.has(dir), `webviews/panels/${dir} is not registered in extension/panels/registry.ts`);
  }
});

test('availability reasons: one-run panels refuse several runs and runs without checkpoints', () => {
  const run = { runDir: '/r', name: 'r', checkpoints: 3, denseLayers: 2 };
  const barcode = PANELS.find((p) => p.id === 'weightBarcode');
  assert.ok(barcode);
  assert.equal(barcode.unavailableReason([run]), undefined);
  assert.match(barcode.unavailableReason([run, run]) ?? '', /one run/);
  assert.match(barcode.unavailableReason([{ ...run, checkpoints: 0 }]) ?? '', /checkpoint/);
});
