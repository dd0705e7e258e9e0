/**
 * Every CLI command says what it does and shows an example under --help: the commands are registered as
 * main.ts registers them (its COMMANDS list, read from the source) and their help is rendered by commander.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { addHelpExamples } from '../../../analysis/cli/helpExamples';

test('every command of the CLI has a description and examples in its --help', async () => {
  const main = fs.readFileSync(path.resolve('analysis/cli/main.ts'), 'utf8');
  const modules = [...main.matchAll(/import\('\.\/commands\/(\w+)'\)\)\.(\w+)/g)].map((m) => ({ file: m[1], register: m[2] }));
  assert.ok(modules.some((m) => m.file === 'analyze') && modules.some((m) => m.file === 'report'));
  const program = new Command('topolens');
  for (const m of modules) {
    const mod = (await import(`../../../analysis/cli/commands/${m.file}`)) as Record<string, (p: Command) => void>;
    mod[m.register](program);
  }
  addHelpExamples(program);
  const missing: string[] = [];
  for (const command of program.commands) {
    let help = '';
    command.configureOutput({ writeOut: (s) => { help += s; }, writeErr: (s) => { help += s; } });
    command.outputHelp();
    if (!command.description()) missing.push(`${command.name()}: no description`);
    if (!/Examples?:\n\s+topolens /.test(help)) missing.push(`${command.name()}: no example`);
  }
  assert.ok(program.commands.length >= 17, `only ${program.commands.length} commands registered`);
  assert.deepEqual(missing, []);
});
