/**
 * Reads when VS Code's extension host activated an extension, from the profile's `remoteexthost.log`
 * ("2026-01-31 12:00:00.123 [info] ExtensionService#_doActivateExtension publisher.name, ..."). The view
 * header is drawn from package.json before any code runs; this line is when `activate()` was called.
 */
import fs from 'node:fs';
import path from 'node:path';

function findFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((rel) => path.basename(rel) === name)
    .map((rel) => path.join(dir, rel));
}

/** Wall-clock time (ms since epoch) at which `extensionId` was activated, or undefined if not (yet) logged. */
export function activationTime(userDataDir: string, extensionId: string): number | undefined {
  const pattern = new RegExp(
    `^(\\d{4}-\\d\\d-\\d\\d) (\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) \\[\\w+\\] ExtensionService#_doActivateExtension ${extensionId.replace(/\./g, '\\.')}[,\\s]`,
    'im',
  );
  for (const file of findFiles(path.join(userDataDir, 'logs'), 'remoteexthost.log')) {
    const match = pattern.exec(fs.readFileSync(file, 'utf8'));
    // The log writes local time without a zone; Date parses "YYYY-MM-DDTHH:mm:ss.sss" as local time too.
    if (match) return new Date(`${match[1]}T${match[2]}`).getTime();
  }
  return undefined;
}
