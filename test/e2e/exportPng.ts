/** Export PNG from the visible panel through VS Code's save dialog; returns the file and its size. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { readPngInfo } from './png';
import { waitUntil, type Workbench } from './workbench';

export async function exportPng(wb: Workbench, nameMatches: RegExp, copyTo: string): Promise<{ file: string; width: number; height: number }> {
  await wb.webview().locator('#export-png').click();
  const proposed = await wb.acceptSaveDialog();
  assert.match(path.basename(proposed), nameMatches, `the save dialog proposed "${proposed}"`);
  const file = await waitUntil(async () => (fs.existsSync(proposed) && fs.statSync(proposed).size > 0 ? proposed : undefined), 30_000, () => `${proposed} was not written`);
  const info = readPngInfo(fs.readFileSync(file), file);
  assert.ok(info.width > 200 && info.height > 100, `the exported PNG is only ${info.width}x${info.height}`);
  fs.copyFileSync(file, copyTo);
  return { file, width: info.width, height: info.height };
}
