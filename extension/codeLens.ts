/**
 * A "Train & Analyze" CodeLens above `export function createModel` / `export const createModel` in
 * JS/TS files. Training a workspace model executes workspace code, so the lens is only offered in
 * trusted workspaces (package.json declares limited support for untrusted ones).
 */
import * as vscode from 'vscode';

const CREATE_MODEL = /^\s*export\s+(?:async\s+)?(?:function\s+createModel\b|(?:const|let)\s+createModel\b)/;

export class ModelCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    const lenses: vscode.CodeLens[] = [];
    for (let line = 0; line < document.lineCount; line++) {
      if (!CREATE_MODEL.test(document.lineAt(line).text)) continue;
      const range = document.lineAt(line).range;
      lenses.push(new vscode.CodeLens(range, { title: '$(graph) TopoLens: Train & Analyze', command: 'topolens.trainModelFile', arguments: [document.uri] }));
    }
    return lenses;
  }
}

export const MODEL_FILE_SELECTOR: vscode.DocumentSelector = [
  { language: 'typescript', scheme: 'file' },
  { language: 'javascript', scheme: 'file' },
];
