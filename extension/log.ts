import * as vscode from 'vscode';

/** The one "TopoLens" log channel: extension events and everything the worker prints. */
let channel: vscode.LogOutputChannel | undefined;

export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('TopoLens', { log: true });
  return channel;
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
