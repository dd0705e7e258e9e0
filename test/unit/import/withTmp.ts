/** A test body given a fresh temporary folder, removed afterwards whatever happens (pass, fail or skip). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';

export function withTmp(prefix: string, body: (dir: string, t: TestContext) => Promise<void> | void): (t: TestContext) => Promise<void> {
  return async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    try {
      await body(dir, t);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
