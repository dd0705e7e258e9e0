/**
 * `npm run bench -- NAME [args...]`: runs bench/NAME.ts and prints its result as JSON.
 * Benchmarks are not tests: they measure, against a reference timed in the same run, and never fail on speed.
 */
import path from 'node:path';
import fs from 'node:fs';

interface BenchModule { run(args: string[]): Promise<object> }

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = fs.readdirSync(__dirname).filter((f) => f.endsWith('.ts') && f !== 'run.ts').map((f) => f.slice(0, -3));
  if (!name || !available.includes(name)) {
    console.error(`usage: npm run bench -- NAME [args]\navailable benchmarks: ${available.join(', ') || '(none)'}`);
    process.exit(2);
  }
  const mod = (await import(path.join(__dirname, `${name}.ts`))) as BenchModule;
  const result = await mod.run(args);
  const out = JSON.stringify({ benchmark: name, date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, ...result }, null, 2);
  console.log(out);
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `${name}.json`), out + '\n');
}

main().catch((e) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
