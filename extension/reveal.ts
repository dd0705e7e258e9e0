import * as vscode from 'vscode';

/** Shows a file or folder: in the OS file manager on desktop; in the Explorer in a browser (code-server,
 *  Codespaces), where there is no OS to reveal in. */
export async function revealPath(uri: vscode.Uri): Promise<void> {
  const inBrowser = vscode.env.uiKind === vscode.UIKind.Web;
  await vscode.commands.executeCommand(inBrowser ? 'revealInExplorer' : 'revealFileInOS', uri);
}
