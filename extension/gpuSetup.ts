/**
 * "TopoLens: Set Up GPU Backend": runs the GPU checks in the worker (loading a native addon must never
 * happen on the extension host) and shows the report as a Markdown document with the next step to take.
 */
import * as vscode from 'vscode';
import { GpuCheckRequest } from '../analysis/worker/protocol/system';
import type { WorkerClient } from './worker/workerClient';

export async function showGpuSetup(worker: WorkerClient, tfjsNodePath: string | undefined): Promise<void> {
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'TopoLens: checking the GPU backend…' },
    () => worker.connection().sendRequest(GpuCheckRequest, { tfjsNodePath }));
  const lines = [
    '# TopoLens GPU backend check',
    '',
    `Setting \`topolens.tfjsNodePath\`: ${tfjsNodePath ? `\`${tfjsNodePath}\`` : '*(not set)*'}`,
    '',
    '| check | result | detail |',
    '|---|---|---|',
    ...report.checks.map((c) => `| ${c.name} | ${c.ok ? '✅' : '❌'} | ${c.detail.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`),
    '',
    report.ok ? '**The GPU backend works.** Set `topolens.backend` to `gpu` (or leave `auto`).' : '## What to do',
    '',
    ...report.hints.map((a) => `- ${a}`),
    '',
    'A VSIX cannot ship `@tensorflow/tfjs-node-gpu` (native, platform- and CUDA-specific). Install it in a folder of your own:',
    '',
    '```sh',
    'mkdir -p ~/topolens-gpu && cd ~/topolens-gpu && npm init -y && npm install @tensorflow/tfjs-node-gpu@4.22.0',
    '```',
    '',
    'then set `topolens.tfjsNodePath` to that folder. It needs CUDA 11.2 and cuDNN 8.1, and downloads libtensorflow at',
    'install time; behind a mirror set `TFJS_NODE_BASE_URI` or `npm_config_tfjs_binding_binary_host_mirror`.',
  ];
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') });
  await vscode.window.showTextDocument(doc, { preview: true });
  if (!report.ok) void vscode.window.showWarningMessage('TopoLens: the GPU backend is not usable yet; the report says what is missing. Training uses the wasm backend meanwhile.');
}
