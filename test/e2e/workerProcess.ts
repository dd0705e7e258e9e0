/**
 * TopoLens' analysis worker as the operating system sees it. The extension forks `dist/worker.js` from the
 * installed extension folder, so in the e2e profile every worker's command line names a script under the
 * throwaway extensions dir: matching that path finds this test's workers and never anyone else's (other
 * e2e runs, a developer's VS Code). Reads /proc directly: no `ps`/`pgrep` output to parse.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Whether `pid` is a live process (a zombie, dead but not yet reaped, counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    // /proc/PID/stat: "pid (comm) S ...": the state letter follows the last ')' (comm may hold spaces).
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Pids of live processes running `<extensionsDir>/<extension>/dist/worker.js`. */
export function workerPids(extensionsDir: string): number[] {
  const root = path.resolve(extensionsDir) + path.sep;
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited while we looked
    }
    const script = argv.find((arg) => arg.startsWith(root) && arg.endsWith(`${path.sep}dist${path.sep}worker.js`));
    if (script && isAlive(Number(entry))) pids.push(Number(entry));
  }
  return pids.sort((a, b) => a - b);
}

/** The pid of a process's parent, or undefined once it is gone. */
export function parentPid(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
