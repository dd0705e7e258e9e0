/**
 * Typed access to the `topolens.*` settings. Every place that reads a setting goes through here, so the
 * names live in one file next to package.json's `contributes.configuration`.
 */
import * as vscode from 'vscode';
import path from 'node:path';
import type { BackendPreference } from '../analysis/training/backend';

const SECTION = 'topolens';
export const BACKENDS: readonly BackendPreference[] = ['auto', 'gpu', 'native', 'wasm', 'cpu'];

export function backendPreference(): BackendPreference {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>('backend', 'auto');
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendPreference;
  void vscode.window.showWarningMessage(`TopoLens: setting topolens.backend has an unknown value "${value}"; using "auto". Valid values: ${BACKENDS.join(', ')}.`);
  return 'auto';
}

export function defaultPreset(): string {
  return vscode.workspace.getConfiguration(SECTION).get<string>('defaultPreset', 'quick');
}

export function tfjsNodePath(): string | undefined {
  const value = vscode.workspace.getConfiguration(SECTION).get<string>('tfjsNodePath', '').trim();
  return value === '' ? undefined : value;
}

/**
 * Where runs live: `topolens.runsFolder` (absolute, or relative to the first workspace folder), else
 * `.topolens/runs` in the first workspace folder, else the extension's global storage.
 */
export function runsRoot(context: vscode.ExtensionContext): string {
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('runsFolder', '').trim();
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (configured !== '') {
    if (path.isAbsolute(configured)) return configured;
    if (workspace) return path.join(workspace, configured);
  }
  if (workspace) return path.join(workspace, '.topolens', 'runs');
  return path.join(context.globalStorageUri.fsPath, 'runs');
}

export function affectsRunsRoot(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.runsFolder`);
}
